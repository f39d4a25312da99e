import { Prisma, type PrismaClient } from "../db";

/**
 * The lease a process holds while it runs a scheduled job (the `scheduled_jobs` table). Every
 * step is one statement, so it behaves the same on PostgreSQL with many processes and on the
 * embedded database with one: whoever's conditional UPDATE matches the row owns the run.
 */

/** Adds the job's row when it is new, due at `firstRunAt`; an existing row is left as it is. */
export async function ensureJob(db: PrismaClient, name: string, firstRunAt: Date): Promise<void> {
  await db.$executeRaw`INSERT INTO "scheduled_jobs" ("name", "next_run_at") VALUES (${name}, ${firstRunAt})
                       ON CONFLICT ("name") DO NOTHING`;
}

export interface ClaimedJob {
  name: string;
  /** What the job kept from its last run. */
  state: unknown;
}

/**
 * Claims a due job for `owner` until `now + leaseMs`. The row matches only while the job is due
 * and nobody holds an unexpired lease; two processes claiming at once both run this UPDATE on
 * the same row, PostgreSQL makes the second wait for the first and re-checks the condition on the
 * row the first wrote, which no longer matches: exactly one gets the row back. A lease left by a
 * process that crashed matches again once it has expired, so another process takes the job over.
 */
export async function claimDueJob(
  db: PrismaClient,
  name: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimedJob | null> {
  const rows = await db.$queryRaw<Array<{ name: string; state: unknown }>>`
    UPDATE "scheduled_jobs"
       SET "lease_owner" = ${owner}, "lease_expires_at" = ${new Date(now.getTime() + leaseMs)}, "last_run_at" = ${now}
     WHERE "name" = ${name}
       AND "next_run_at" <= ${now}
       AND ("lease_expires_at" IS NULL OR "lease_expires_at" <= ${now})
    RETURNING "name", "state"`;
  return rows[0] ?? null;
}

/** Keeps holding a lease while a long run goes on; false when it was lost (expired and taken over). */
export async function extendLease(
  db: PrismaClient,
  name: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE "scheduled_jobs" SET "lease_expires_at" = ${new Date(now.getTime() + leaseMs)}
     WHERE "name" = ${name} AND "lease_owner" = ${owner}`;
  return count === 1;
}

export interface JobOutcome {
  outcome: "succeeded" | "failed";
  summary: string | null;
  error: string | null;
  /** Replaces what the job keeps between runs; undefined keeps it. */
  state?: unknown;
  nextRunAt: Date;
  finishedAt: Date;
}

/**
 * Records how a run ended and releases the lease, only if `owner` still holds it: a process
 * whose lease expired and was taken over records nothing (false), so the run that owns the
 * job now decides what is recorded.
 */
export async function finishJob(db: PrismaClient, name: string, owner: string, result: JobOutcome): Promise<boolean> {
  const state =
    result.state === undefined ? Prisma.sql`"state"` : Prisma.sql`${JSON.stringify(result.state ?? null)}::jsonb`;
  const count = await db.$executeRaw`
    UPDATE "scheduled_jobs"
       SET "lease_owner" = NULL, "lease_expires_at" = NULL, "next_run_at" = ${result.nextRunAt},
           "last_finished_at" = ${result.finishedAt}, "last_outcome" = ${result.outcome},
           "last_summary" = ${result.summary}, "last_error" = ${result.error}, "state" = ${state}
     WHERE "name" = ${name} AND "lease_owner" = ${owner}`;
  return count === 1;
}
