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

/** Every statement here is sent on every apply, with one of a few texts (lib/db/driver-sql.ts). */
const FIXED_TEXT = { prepared: true } as const;

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

/**
 * Takes the API's lock, and in the same statement does `work()`: the rest of a WITH list after
 * `taken AS (…lock…)`, ending in a SELECT of one row with a boolean `taken`; its changes must
 * be conditional on `EXISTS (SELECT 1 FROM taken)`. It is made anew for every attempt (times it
 * writes are those of the attempt that takes the lock). One statement instead of two on every apply
 * (bench/README.md). Like any statement it reads one snapshot, taken when it started: when it
 * had to wait for the previous holder's release, that holder's last commit may not be in it
 * (see claim-deployment.ts for how the claim tells). Until the lock is free, waits and tries again.
 */
export async function acquireApiLock<Row extends { taken: boolean }>(
  db: PrismaClient,
  apiId: string,
  holder: string,
  work: () => Prisma.Sql,
  timing: LeaseTiming = DEFAULT_LEASE_TIMING,
): Promise<{ lease: ApiLease; row: Row }> {
  for (let attempt = 0; ; attempt++) {
    const [row] = await driverSqlOf(db).query<Row>(
      Prisma.sql`
      WITH ${takeApiLockItem(apiId, holder, Prisma.sql`TRUE`, timing)}
      ${work()}`,
      FIXED_TEXT,
    );
    if (row?.taken) return { lease: holdLease(db, apiId, holder, timing), row };
    const step = Math.min(timing.maxWaitMs, timing.firstWaitMs * 2 ** attempt);
    await sleep(step / 2 + Math.random() * (step / 2));
  }
}

/**
 * The WITH item `taken` (followed by a comma): the API's lock for `holder` when it is free or its
 * lease has expired, and only when `when` holds; one row when taken, none when not. A statement
 * that takes it holds it from its commit: hold the lease (holdLease) once it has, or it expires.
 */
export function takeApiLockItem(
  apiId: string,
  holder: string,
  when: Prisma.Sql,
  timing: LeaseTiming = DEFAULT_LEASE_TIMING,
): Prisma.Sql {
  return Prisma.sql`
    taken AS (
      INSERT INTO api_locks (api_id, holder, expires_at)
      SELECT ${apiId}::uuid, ${holder}, now() + make_interval(secs => ${timing.leaseMs / 1000}::float8)
      WHERE ${when}
      ON CONFLICT (api_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
      WHERE api_locks.expires_at < now()
      RETURNING holder
    ),`;
}

/** The lease of a lock a statement took for `holder`: renewed from now on until released. */
export function holdLease(
  db: PrismaClient,
  apiId: string,
  holder: string,
  timing: LeaseTiming = DEFAULT_LEASE_TIMING,
): ApiLease {
  const seconds = timing.leaseMs / 1000;
  let lost = false;
  const renew = async () => {
    try {
      const renewed = await driverSqlOf(db).query(
        Prisma.sql`
        UPDATE api_locks SET expires_at = now() + make_interval(secs => ${seconds}::float8)
        WHERE api_id = ${apiId}::uuid AND holder = ${holder}
        RETURNING api_id`,
        FIXED_TEXT,
      );
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
        FIXED_TEXT,
      );
    },
    released() {
      clearInterval(timer);
      held = false;
    },
  };
}
