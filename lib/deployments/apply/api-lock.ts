import { setTimeout as sleep } from "node:timers/promises";
import { Prisma, type PrismaClient } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import { log } from "../../log";

/**
 * A lease on one API in the database (api_locks), so applies to the same API run one after
 * another across every app instance. Taking it is one statement: insert, or take the row over
 * when its lease has expired (a crashed holder). The holder renews it while working; waiters
 * poll with backoff. Times come from the database's clock, the one clock all instances share.
 */
export interface LeaseTiming {
  /** How long the lease lasts without renewal; renewed every third of it. */
  leaseMs: number;
  /** First wait between attempts to take a held lock; doubles up to maxWaitMs, with jitter. */
  firstWaitMs: number;
  maxWaitMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseMs: 30_000, firstWaitMs: 25, maxWaitMs: 1_000 };

export interface ApiLease {
  readonly apiId: string;
  readonly holder: string;
  /** True once a renewal found the lease taken over: stop before the next write. */
  readonly lost: boolean;
  /** Deletes the lock (if still ours) and stops renewing it; nothing more once released. */
  release(): Promise<void>;
  /**
   * The caller deleted the lock in a statement of its own (finishing the deployment with it):
   * stop renewing, and release() has nothing left to do.
   */
  released(): void;
}

export async function acquireApiLock(
  db: PrismaClient,
  apiId: string,
  holder: string,
  timing: LeaseTiming = DEFAULT_LEASE_TIMING,
): Promise<ApiLease> {
  const seconds = timing.leaseMs / 1000;
  for (let attempt = 0; ; attempt++) {
    const taken = await driverSqlOf(db).query<{ holder: string }>(Prisma.sql`
      INSERT INTO api_locks (api_id, holder, expires_at)
      VALUES (${apiId}::uuid, ${holder}, now() + make_interval(secs => ${seconds}::float8))
      ON CONFLICT (api_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE api_locks.expires_at < now()
      RETURNING holder`);
    if (taken.length === 1) return holdLease(db, apiId, holder, timing);
    const step = Math.min(timing.maxWaitMs, timing.firstWaitMs * 2 ** attempt);
    await sleep(step / 2 + Math.random() * (step / 2));
  }
}

function holdLease(db: PrismaClient, apiId: string, holder: string, timing: LeaseTiming): ApiLease {
  const seconds = timing.leaseMs / 1000;
  let lost = false;
  const renew = async () => {
    try {
      const renewed = await driverSqlOf(db).query(Prisma.sql`
        UPDATE api_locks SET expires_at = now() + make_interval(secs => ${seconds}::float8)
        WHERE api_id = ${apiId}::uuid AND holder = ${holder}
        RETURNING api_id`);
      if (renewed.length === 0) {
        lost = true;
        clearInterval(timer);
      }
    } catch (error) {
      // A failed renewal is retried at the next tick; the lease outlives two missed ones.
      log.warn({ apiId, err: error }, "could not renew the API lock");
    }
  };
  const timer = setInterval(() => void renew(), timing.leaseMs / 3);
  timer.unref();
  let held = true;
  return {
    apiId,
    holder,
    get lost() {
      return lost;
    },
    async release() {
      clearInterval(timer);
      if (!held) return;
      held = false;
      await driverSqlOf(db).query(
        Prisma.sql`DELETE FROM api_locks WHERE api_id = ${apiId}::uuid AND holder = ${holder}`,
      );
    },
    released() {
      clearInterval(timer);
      held = false;
    },
  };
}
