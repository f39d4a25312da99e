import { z } from "zod";
import { pageOf } from "../rest/pagination";
import { WEBHOOK_FORMATS } from "./delivery-body";
import { TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES } from "./event-types";

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "must name at least one event")
  .refine((events) => new Set(events).size === events.length, "must not name an event twice")
  .describe(`Events to send: ${WEBHOOK_EVENT_TYPES.join(", ")}.`);

const urlSchema = z
  .string()
  .trim()
  .max(2048, "must be at most 2048 characters")
  .describe(
    "Where deliveries are POSTed: https://, resolving only to public addresses (in sandbox mode, the simulator's receiver too).",
  );

const FORMAT_DESCRIPTION =
  "cloudevents: the CloudEvents 1.0 JSON event; teams / slack: a message for their incoming webhooks.";
const formatSchema = z.enum(WEBHOOK_FORMATS).describe(FORMAT_DESCRIPTION);

export const webhookInputSchema = z.strictObject({
  url: urlSchema,
  instanceId: z
    .guid("must be an instance id")
    .nullable()
    .default(null)
    .describe("The instance whose events are sent; null for every instance's (and Portcullis-wide) events."),
  events: eventsSchema,
  format: formatSchema.default("cloudevents").describe(FORMAT_DESCRIPTION),
  enabled: z.boolean().default(true),
});

export const webhookUpdateSchema = z
  .strictObject({
    url: urlSchema.optional(),
    events: eventsSchema.optional(),
    format: formatSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((update) => Object.keys(update).length > 0, "must change at least one of url, events, format, enabled");

export const webhookSchema = z
  .object({
    id: z.string(),
    instanceId: z.string().nullable(),
    instanceName: z.string().nullable(),
    url: z
      .string()
      .describe(
        "The whole URL for admins; its origin followed by /… for others (a Teams or Slack URL is a credential).",
      ),
    events: z.array(z.string()),
    format: z.enum(WEBHOOK_FORMATS),
    enabled: z.boolean(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Webhook" });

export type WebhookView = z.output<typeof webhookSchema>;

export const createdWebhookSchema = webhookSchema
  .extend({
    secret: z
      .string()
      .describe(
        "The signing secret (whsec_…), shown this once: Portcullis keeps only what derives it. Verify deliveries with it (Standard Webhooks).",
      ),
  })
  .meta({ id: "CreatedWebhook" });

export const webhookListSchema = z.object({ items: z.array(webhookSchema) }).meta({ id: "WebhookList" });

export const DELIVERY_STATUSES = ["pending", "delivered", "failed", "given_up"] as const;

export const deliverySchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    eventType: z.string().describe(`One of the subscribable events, or ${TEST_EVENT_TYPE}.`),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe("failed: retried at nextAttemptAt; given_up: every attempt failed, no more retries."),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().describe("The HTTP status the receiver answered last."),
    lastError: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "WebhookDelivery" });

export type DeliveryView = z.output<typeof deliverySchema>;

export const deliveryPageSchema = pageOf(deliverySchema, "WebhookDeliveryPage");

/**
 * A webhook as `ctx` may see it: admins see the whole URL, others its origin only. A Teams or
 * Slack incoming-webhook URL is itself a credential (whoever knows its path can post there).
 */
export function webhookViewFor(ctx: { permissions: ReadonlySet<string> }, row: Parameters<typeof toWebhookView>[0]) {
  const view = toWebhookView(row);
  return ctx.permissions.has("config.write") ? view : { ...view, url: `${new URL(view.url).origin}/…` };
}

export function toWebhookView(row: {
  id: string;
  instanceId: string | null;
  instance: { name: string } | null;
  url: string;
  events: string[];
  format: string;
  enabled: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}): WebhookView {
  return {
    id: row.id,
    instanceId: row.instanceId,
    instanceName: row.instance?.name ?? null,
    url: row.url,
    events: row.events,
    format: z.enum(WEBHOOK_FORMATS).parse(row.format),
    enabled: row.enabled,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export const webhookViewSelect = {
  id: true,
  instanceId: true,
  instance: { select: { name: true } },
  url: true,
  events: true,
  format: true,
  enabled: true,
  createdBy: true,
  createdAt: true,
  updatedAt: true,
} as const;

export function toDeliveryView(row: {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
}): DeliveryView {
  const status = z.enum(DELIVERY_STATUSES).parse(row.status);
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    status,
    attempts: row.attempts,
    nextAttemptAt: status === "pending" || status === "failed" ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    lastStatus: row.lastStatus,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
  };
}
