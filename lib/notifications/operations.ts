import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { pageQuerySchema } from "../rest/pagination";
import {
  createdWebhookSchema,
  deliveryPageSchema,
  deliverySchema,
  webhookInputSchema,
  webhookListSchema,
  webhookSchema,
  webhookUpdateSchema,
} from "./schemas";

const webhookParams = z.object({ id: z.guid("must be a webhook id") });

/** REST operations of webhooks (see lib/rest/operations.ts). Reads: config.read; changes: admins. */
export const notificationsOperations = {
  listWebhooks: defineOperation({
    id: "listWebhooks",
    method: "GET",
    path: "/webhooks",
    permission: "config.read",
    summary: "Registered webhooks",
    tags: ["webhooks"],
    response: webhookListSchema,
  }),
  registerWebhook: defineOperation({
    id: "registerWebhook",
    method: "POST",
    path: "/webhooks",
    permission: "config.write",
    summary: "Register a webhook",
    description:
      "Answers the signing secret once (Standard Webhooks, whsec_…); it cannot be read again. The URL must be https and resolve only to public addresses.",
    tags: ["webhooks"],
    body: webhookInputSchema,
    response: createdWebhookSchema,
    successStatus: 201,
  }),
  getWebhook: defineOperation({
    id: "getWebhook",
    method: "GET",
    path: "/webhooks/{id}",
    permission: "config.read",
    summary: "One webhook (never its secret)",
    tags: ["webhooks"],
    params: webhookParams,
    response: webhookSchema,
  }),
  updateWebhook: defineOperation({
    id: "updateWebhook",
    method: "PATCH",
    path: "/webhooks/{id}",
    permission: "config.write",
    summary: "Change a webhook's URL, events, format or whether it is enabled",
    tags: ["webhooks"],
    params: webhookParams,
    body: webhookUpdateSchema,
    response: webhookSchema,
  }),
  deleteWebhook: defineOperation({
    id: "deleteWebhook",
    method: "DELETE",
    path: "/webhooks/{id}",
    permission: "config.write",
    summary: "Remove a webhook and its delivery log",
    tags: ["webhooks"],
    params: webhookParams,
    response: webhookSchema,
  }),
  regenerateWebhookSecret: defineOperation({
    id: "regenerateWebhookSecret",
    method: "POST",
    path: "/webhooks/{id}/secret",
    permission: "config.write",
    summary: "Replace a webhook's signing secret",
    description:
      "Answers the new signing secret once (whsec_…); it cannot be read again. Every delivery from now on, retries included, is signed with it: the old secret stops verifying at once.",
    tags: ["webhooks"],
    params: webhookParams,
    response: createdWebhookSchema,
  }),
  listWebhookDeliveries: defineOperation({
    id: "listWebhookDeliveries",
    method: "GET",
    path: "/webhooks/{id}/deliveries",
    permission: "config.read",
    summary: "A webhook's delivery log, newest first",
    tags: ["webhooks"],
    params: webhookParams,
    query: pageQuerySchema,
    response: deliveryPageSchema,
  }),
  sendWebhookTestEvent: defineOperation({
    id: "sendWebhookTestEvent",
    method: "POST",
    path: "/webhooks/{id}/test-events",
    permission: "config.write",
    summary: "Send a test event to the webhook now",
    description: "Answers the delivery after its first attempt; a failed one is retried like any other.",
    tags: ["webhooks"],
    params: webhookParams,
    response: deliverySchema,
    successStatus: 201,
  }),
};
