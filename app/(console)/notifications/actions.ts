"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { deleteWebhook } from "@/lib/notifications/delete-webhook";
import { regenerateWebhookSecret } from "@/lib/notifications/regenerate-webhook-secret";
import { registerWebhook } from "@/lib/notifications/register-webhook";
import { webhookInputSchema } from "@/lib/notifications/schemas";
import { sendTestEvent } from "@/lib/notifications/send-test-event";
import { updateWebhook } from "@/lib/notifications/update-webhook";
import { parseInput } from "@/lib/validation";
import { actionError } from "../action-error";
import { formFields } from "../form-fields";

/** What the register and regenerate forms answer: the webhook's URL and its secret, shown this once. */
export interface RegisteredWebhook {
  url: string;
  secret: string;
}

export async function registerWebhookAction(
  _previous: FormState<RegisteredWebhook>,
  formData: FormData,
): Promise<FormState<RegisteredWebhook>> {
  try {
    const ctx = await guardAction("config.write", "webhook.register");
    const { instanceId, ...fields } = formFields(formData);
    const input = parseInput(
      webhookInputSchema,
      // Checkboxes: every checked event; "All instances" is the empty choice.
      { ...fields, instanceId: instanceId ?? null, events: formData.getAll("events") },
      "webhook",
    );
    const webhook = await registerWebhook(ctx, input);
    refresh();
    return { status: "done", result: { url: webhook.url, secret: webhook.secret } };
  } catch (error) {
    return actionError(error);
  }
}

const webhookIdSchema = z.object({ webhookId: z.guid("must be a webhook id") });

export async function sendTestEventAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "webhook.test");
    const delivery = await sendTestEvent(ctx, parseInput(webhookIdSchema, formFields(formData)));
    refresh();
    return {
      status: "done",
      result:
        delivery.status === "delivered"
          ? `Test event delivered (the receiver answered ${delivery.lastStatus}).`
          : `Test event not delivered: ${delivery.lastError ?? "unknown error"}. It is retried like any delivery.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

const enableSchema = webhookIdSchema.extend({ enabled: z.enum(["true", "false"]) });

export async function setWebhookEnabledAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "webhook.update");
    const { webhookId, enabled } = parseInput(enableSchema, formFields(formData));
    const webhook = await updateWebhook(ctx, { webhookId, update: { enabled: enabled === "true" } });
    refresh();
    return { status: "done", result: webhook.enabled ? "Enabled." : "Disabled: its events wait until it is enabled." };
  } catch (error) {
    return actionError(error);
  }
}

export async function regenerateWebhookSecretAction(
  _previous: FormState<RegisteredWebhook>,
  formData: FormData,
): Promise<FormState<RegisteredWebhook>> {
  try {
    const ctx = await guardAction("config.write", "webhook.secret_regenerate");
    const webhook = await regenerateWebhookSecret(ctx, parseInput(webhookIdSchema, formFields(formData)));
    refresh();
    return { status: "done", result: { url: webhook.url, secret: webhook.secret } };
  } catch (error) {
    return actionError(error);
  }
}

export async function deleteWebhookAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "webhook.delete");
    const webhook = await deleteWebhook(ctx, parseInput(webhookIdSchema, formFields(formData)));
    refresh();
    return { status: "done", result: `Deleted the webhook to ${webhook.url}.` };
  } catch (error) {
    return actionError(error);
  }
}
