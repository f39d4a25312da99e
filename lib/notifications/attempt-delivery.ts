import type { PrismaClient } from "../db";
import { parseStored } from "../db/parse-stored";
import { cloudEventSchema } from "./cloud-event";
import { deliveryBody, webhookFormatSchema } from "./delivery-body";
import { postWebhook } from "./post-webhook";
import { signatureHeaders } from "./sign-delivery";
import { webhookSecretBytes } from "./webhook-secret";

/** Attempts before a delivery is given up: the last retry comes about an hour after the event. */
export const MAX_ATTEMPTS = 8;
/** A claimed delivery is left alone this long; a sender that crashed lets it become due again. */
const CLAIM_MS = 2 * 60_000;

/** Wait before the retry that follows attempt `attempts` (1-based): 30 s, 1, 2, 4 … min, at most 1 h. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** (attempts - 1), 60 * 60_000);
}

export type AttemptResult = "delivered" | "failed" | "given_up" | "not_claimed";

/**
 * Claims one due delivery and sends it, then records how it went. The claim is a conditional
 * UPDATE (still due, still not delivered or given up) moving next_attempt_at past the time a
 * send can take, so two senders never send the same delivery at once.
 */
export async function attemptDelivery(db: PrismaClient, deliveryId: string, now: Date): Promise<AttemptResult> {
  const claimed = await db.webhookDelivery.updateMany({
    where: { id: deliveryId, status: { in: ["pending", "failed"] }, nextAttemptAt: { lte: now } },
    data: { nextAttemptAt: new Date(now.getTime() + CLAIM_MS) },
  });
  if (claimed.count === 0) return "not_claimed";
  const delivery = await db.webhookDelivery.findUniqueOrThrow({
    where: { id: deliveryId },
    include: { webhook: { select: { url: true, format: true, secretSalt: true } } },
  });
  const event = parseStored(cloudEventSchema, delivery.payload, {
    record: `webhook delivery ${deliveryId}`,
    field: "payload",
  });
  const body = deliveryBody(
    parseStored(webhookFormatSchema, delivery.webhook.format, {
      record: `webhook ${delivery.webhookId}`,
      field: "format",
    }),
    event,
  );
  const headers = signatureHeaders(webhookSecretBytes(delivery.webhook.secretSalt), event.id, now, body);
  const outcome = await postWebhook(delivery.webhook.url, body, headers);

  const attempts = delivery.attempts + 1;
  const status = outcome.ok ? "delivered" : attempts >= MAX_ATTEMPTS ? "given_up" : "failed";
  const finished = new Date();
  await db.webhookDelivery.update({
    where: { id: deliveryId },
    data: {
      status,
      attempts,
      lastAttemptAt: now,
      lastStatus: outcome.status,
      lastError: outcome.ok ? null : outcome.error,
      nextAttemptAt: status === "failed" ? new Date(now.getTime() + retryDelayMs(attempts)) : finished,
    },
  });
  return status;
}
