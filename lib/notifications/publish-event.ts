import { randomUUID } from "node:crypto";
import { Prisma } from "../db";
import { eventSource, type CloudEvent } from "./cloud-event";
import { cloudEventType, type WebhookEventType } from "./event-types";

export interface PublishedEvent {
  type: WebhookEventType;
  /** The instance the event is about; null for Portcullis-wide events (audit checkpoints). */
  instanceId: string | null;
  /**
   * The instances whose webhooks receive the event besides `instanceId`'s: an event about several
   * (a change set's approval request) is still one event, sent once to each webhook.
   */
  alsoForInstanceIds?: readonly string[];
  /** The event's facts, as JSON. Never a secret value, token or key: it leaves Portcullis. */
  data: Record<string, unknown>;
}

/** Both a transaction and the client itself can publish (the outbox rows need no more). */
export type EventWriter = Pick<Prisma.TransactionClient, "webhook" | "webhookDelivery">;

/**
 * Announces an event to every enabled webhook subscribed to it: the instance's own webhooks and
 * the global ones (an event without an instance goes to global webhooks only). Call it inside
 * the transaction of the change the event tells of: the deliveries are rows of the outbox
 * (webhook_deliveries), committed with the change or not at all, and the webhook-deliveries job
 * sends them afterwards with retries, so neither a crash nor an unreachable receiver loses one.
 * Returns the event id (the CloudEvent id and `webhook-id` header), or null when no webhook wants it.
 */
export async function publishEvent(tx: EventWriter, event: PublishedEvent, now = new Date()): Promise<string | null> {
  const webhooks = await tx.webhook.findMany({
    where: {
      enabled: true,
      events: { has: event.type },
      OR: [
        { instanceId: null },
        { instanceId: { in: [event.instanceId, ...(event.alsoForInstanceIds ?? [])].filter((id) => id !== null) } },
      ],
    },
    select: { id: true },
  });
  if (webhooks.length === 0) return null;
  const payload = toCloudEvent(randomUUID(), event.type, event.instanceId, event.data, now);
  await tx.webhookDelivery.createMany({
    data: webhooks.map((webhook) => ({
      webhookId: webhook.id,
      eventId: payload.id,
      eventType: event.type,
      payload: payload as unknown as Prisma.InputJsonValue,
      nextAttemptAt: now,
    })),
  });
  return payload.id;
}

/**
 * The same as publishEvent, as an item of a data-modifying WITH query (`event_published AS (…)`):
 * for a change written as one statement (auditedStatement), so the event still commits with it
 * or not at all, without turning the statement into a transaction. `name` tells several apart in
 * one statement; `when` (an SQL boolean over its other items) publishes it only when it holds.
 */
export function publishEventSql(
  event: PublishedEvent,
  { name = "event_published", when = Prisma.sql`TRUE` }: { name?: string; when?: Prisma.Sql } = {},
  now = new Date(),
): Prisma.Sql {
  const payload = toCloudEvent(randomUUID(), event.type, event.instanceId, event.data, now);
  const instanceIds = [event.instanceId, ...(event.alsoForInstanceIds ?? [])].filter((id) => id !== null);
  const instance =
    instanceIds.length === 0
      ? Prisma.sql`FALSE`
      : Prisma.sql`instance_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(instanceIds)}::jsonb)::uuid)`;
  return Prisma.sql`${Prisma.raw(name)} AS (
    INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, next_attempt_at)
    SELECT gen_random_uuid(), id, ${payload.id}::uuid, ${event.type}, ${JSON.stringify(payload)}::jsonb,
      ${now.toISOString()}::timestamptz
    FROM webhooks
    WHERE enabled AND ${event.type} = ANY(events) AND (instance_id IS NULL OR ${instance}) AND ${when}
  )`;
}

/** The CloudEvent as stored in the outbox and sent to `cloudevents` webhooks. */
export function toCloudEvent(
  id: string,
  type: string,
  instanceId: string | null,
  data: Record<string, unknown>,
  now: Date,
): CloudEvent {
  return {
    specversion: "1.0",
    id,
    source: eventSource(instanceId),
    type: cloudEventType(type),
    ...(instanceId === null ? {} : { subject: instanceId }),
    time: now.toISOString(),
    datacontenttype: "application/json",
    // A JSON round trip: what is stored (jsonb) is exactly what is sent, no Dates or undefined.
    data: JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
  };
}
