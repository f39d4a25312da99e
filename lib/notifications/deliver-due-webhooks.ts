import type { PrismaClient } from "../db";
import { attemptDelivery, type AttemptResult } from "./attempt-delivery";

/** Deliveries sent at once: receivers are slow (up to the timeout), the machine is small. */
const CONCURRENCY = 4;

export type DeliveryCounts = Record<Exclude<AttemptResult, "not_claimed">, number>;

/**
 * Sends the deliveries that are due (new ones, and failed ones whose retry time has come), at
 * most `limit` per run, oldest first; a disabled webhook's deliveries wait until it is enabled.
 * Each delivery is claimed on its own (attempt-delivery.ts), so this is safe to run in several
 * processes at once.
 */
export async function deliverDueWebhooks(db: PrismaClient, now: Date, limit = 100): Promise<DeliveryCounts> {
  const due = await db.webhookDelivery.findMany({
    where: { status: { in: ["pending", "failed"] }, nextAttemptAt: { lte: now }, webhook: { enabled: true } },
    orderBy: { nextAttemptAt: "asc" },
    take: limit,
    select: { id: true },
  });
  const counts: DeliveryCounts = { delivered: 0, failed: 0, given_up: 0 };
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const result = await attemptDelivery(db, due[next++]!.id, now);
      if (result !== "not_claimed") counts[result]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, due.length) }, worker));
  return counts;
}
