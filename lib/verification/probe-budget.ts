/**
 * At most N probes a minute to one gateway, across every verification of every Portcullis
 * process: the send times of the last minute live in the database (probe_budgets, one row per
 * gateway), so instances that share nothing else share the budget. A probe waits for a free slot
 * of the sliding minute; one that would wait a minute or longer is not sent.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { getDb, type PrismaClient } from "../db";
import { getConfig } from "../env";

const WINDOW_MS = 60_000;

export interface ProbeBudgetOptions {
  db?: PrismaClient;
  /** Probes a minute (default VERIFY_PROBES_PER_MINUTE). */
  limit?: number;
  /**
   * The time a slot is taken at. By default the database's clock, read by each statement: the one
   * clock every instance shares, so one whose clock runs ahead cannot see the others' slots expire early.
   */
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

export async function takeProbeSlot(gateway: string, options: ProbeBudgetOptions = {}): Promise<boolean> {
  const db = options.db ?? getDb();
  const limit = options.limit ?? getConfig().verification.probesPerMinute;
  const wait = options.sleep ?? sleep;
  let deadline: number | null = null;
  for (;;) {
    if (await takeSlot(db, gateway, limit, options.now?.() ?? null)) return true;
    const { now, freeAt } = await nextFreeSlot(db, gateway, options.now?.() ?? null);
    deadline ??= now + WINDOW_MS;
    if (freeAt >= deadline) return false;
    // Another instance may take the freed slot first: then this one waits for the next.
    await wait(freeAt - now);
  }
}

/**
 * One statement, so it holds with many processes: the INSERT either creates the gateway's row or,
 * on conflict, locks it and sees its latest version (a concurrent taker waits for the lock, then
 * re-reads). The update keeps the times of the last minute and adds this one only while fewer
 * than `limit` remain; when the condition fails no row is returned and nothing changes.
 * EXCLUDED."sent_at"[1] is this statement's time, written once.
 */
async function takeSlot(db: PrismaClient, gateway: string, limit: number, at: Date | null): Promise<boolean> {
  const taken = await db.$queryRaw<Array<{ gateway: string }>>`
    INSERT INTO "probe_budgets" AS budget ("gateway", "sent_at")
    VALUES (${gateway}, ARRAY[COALESCE(${at}::timestamptz, statement_timestamp())])
    ON CONFLICT ("gateway") DO UPDATE
       SET "sent_at" = ARRAY(SELECT sent FROM unnest(budget."sent_at") AS sent
                              WHERE sent > EXCLUDED."sent_at"[1] - interval '1 minute' ORDER BY sent)
                       || EXCLUDED."sent_at"
     WHERE (SELECT count(*) FROM unnest(budget."sent_at") AS sent
             WHERE sent > EXCLUDED."sent_at"[1] - interval '1 minute') < ${limit}
    RETURNING "gateway"`;
  return taken.length === 1;
}

/** When the oldest slot of the last minute frees up (now, when it just did), in the database's time. */
async function nextFreeSlot(
  db: PrismaClient,
  gateway: string,
  at: Date | null,
): Promise<{ now: number; freeAt: number }> {
  const [row] = await db.$queryRaw<Array<{ now: Date; oldest: Date | null }>>`
    SELECT clock.now, (SELECT min(sent) FROM "probe_budgets", unnest("sent_at") AS sent
                        WHERE "gateway" = ${gateway} AND sent > clock.now - interval '1 minute') AS oldest
      FROM (SELECT COALESCE(${at}::timestamptz, statement_timestamp()) AS now) AS clock`;
  const now = row!.now.getTime();
  return { now, freeAt: row!.oldest === null ? now : row!.oldest.getTime() + WINDOW_MS };
}
