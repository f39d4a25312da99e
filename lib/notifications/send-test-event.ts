import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { attemptDelivery } from "./attempt-delivery";
import { TEST_EVENT_TYPE } from "./event-types";
import { findWebhookOrThrow } from "./find-webhook";
import { toCloudEvent } from "./publish-event";
import { toDeliveryView, type DeliveryView } from "./schemas";

/**
 * "Send test event": a `webhook.test` event for this webhook alone, sent at once (a failure is
 * retried like any delivery), so the admin sees whether the receiver takes it and checks the
 * signature with the secret they were shown.
 */
export async function sendTestEvent(ctx: RequestContext, input: { webhookId: string }): Promise<DeliveryView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const webhook = await findWebhookOrThrow(db, input.webhookId);
  const now = new Date();
  const event = toCloudEvent(
    randomUUID(),
    TEST_EVENT_TYPE,
    webhook.instanceId,
    { summary: `Test event sent by ${ctx.actor.name} from Portcullis`, requestedBy: ctx.actor.name },
    now,
  );
  const delivery = await auditedTransaction(db, async (tx) => {
    const row = await tx.webhookDelivery.create({
      data: {
        webhookId: webhook.id,
        eventId: event.id,
        eventType: TEST_EVENT_TYPE,
        payload: event as unknown as Prisma.InputJsonValue,
        nextAttemptAt: now,
      },
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "webhook.test",
      target: { type: "webhook", id: webhook.id },
      after: { eventId: event.id, deliveryId: row.id },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return row;
  });
  await attemptDelivery(db, delivery.id, now);
  return toDeliveryView(await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } }));
}
