import { getDb } from "../db";
import { deliverDueWebhooks } from "../notifications/deliver-due-webhooks";
import type { JobDefinition } from "./scheduler";

export const WEBHOOK_DELIVERY_JOB = "webhook-deliveries";

/**
 * Sends the webhook outbox's due deliveries (new events and retries) every tick. Each delivery is
 * claimed on its own as well, so a run taken over after a lease expired sends nothing twice.
 */
export const webhookDeliveryJob: JobDefinition = {
  name: WEBHOOK_DELIVERY_JOB,
  intervalMs: 10_000,
  // 25 deliveries, 4 at a time, 10 s timeout each: about a minute at worst.
  leaseMs: 2 * 60_000,
  async run({ now }) {
    const counts = await deliverDueWebhooks(getDb(), now, 25);
    const total = counts.delivered + counts.failed + counts.given_up;
    return {
      summary:
        total === 0
          ? "nothing due"
          : `${counts.delivered} delivered, ${counts.failed} failed (retried later), ${counts.given_up} given up`,
    };
  },
};
