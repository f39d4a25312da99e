import type { PrismaClient } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import type { HashedAuditFields } from "./event-hash";
import type { PublicAuditEvent } from "./stored-event";

/**
 * Audit events read in bulk (verification, export, lists): each row the text PostgreSQL sends,
 * without the ORM's per-row objects and conversions (lib/db/raw-rows.ts), turned into exactly
 * what toHashedFields / toPublicEvent make of a Prisma row (event-rows.int.test.ts compares them).
 * The time travels as epoch milliseconds, so Date#toISOString writes it as before.
 */
export const EVENT_COLUMNS = `e.seq::text, e.id::text, (extract(epoch from e.time) * 1000)::bigint::text, e.actor_type,
  e.actor_oid, e.actor_tid, e.actor_name, e.action, e.target_type, e.target_id, e.before::text, e.after::text,
  e.outcome, e.request_id, e.arm_correlation_id, e.client_ip, e.prev_hash, e.hash`;

export type EventRow = Array<string | null>;

/** The hashed fields of a row of EVENT_COLUMNS (the same object toHashedFields makes). */
export function hashedFieldsOf(row: EventRow): HashedAuditFields {
  return {
    seq: row[0]!,
    id: row[1]!,
    time: new Date(Number(row[2])).toISOString(),
    actor: { type: row[3]!, oid: row[4]!, tid: row[5]!, name: row[6]! },
    action: row[7]!,
    target: { type: row[8]!, id: row[9]! },
    before: row[10] === null ? null : (JSON.parse(row[10]!) as unknown),
    after: row[11] === null ? null : (JSON.parse(row[11]!) as unknown),
    outcome: row[12]!,
    requestId: row[13]!,
    armCorrelationId: row[14]!,
    clientIp: row[15]!,
    prevHash: row[16]!,
  };
}

/** What the API and the export show of a row: every hashed field, then the hash. */
export function publicEventOf(row: EventRow): PublicAuditEvent {
  return { ...hashedFieldsOf(row), hash: row[17]! };
}

export interface EventRange {
  /** Events after this sequence number. */
  after: bigint;
  /** …up to and including this one (default: to the end). */
  upTo?: bigint;
  /** More conditions on `e` (SQL with placeholders numbered from $3), and their values. */
  where?: { sql: string; params: readonly unknown[] };
}

/**
 * The events of `range` in chain order, `batchSize` rows per query (keyset: each query starts
 * after the last sequence number of the one before). The next batch is requested before the
 * current one is handed out, so the database works on it while the caller hashes or writes.
 */
export async function* eventBatches(
  db: PrismaClient,
  range: EventRange,
  batchSize: number,
): AsyncGenerator<EventRow[], void, undefined> {
  const rows = rawRowsOf(db);
  const sql = `SELECT ${EVENT_COLUMNS} FROM audit_events e
    WHERE e.seq > $1::bigint AND ($2::bigint IS NULL OR e.seq <= $2::bigint)${range.where ? ` AND ${range.where.sql}` : ""}
    ORDER BY e.seq LIMIT ${batchSize}`;
  const fetch = (after: string) => rows(sql, [after, range.upTo?.toString() ?? null, ...(range.where?.params ?? [])]);
  let pending = fetch(range.after.toString());
  try {
    for (;;) {
      const batch = await pending;
      const full = batch.length === batchSize;
      if (full) pending = fetch(batch[batch.length - 1]![0]!);
      yield batch;
      if (!full) return;
    }
  } finally {
    // A caller that stops early (a broken chain) leaves the prefetched batch unread.
    pending.catch(() => undefined);
  }
}

/** Lets the driver read what arrived (the prefetched batch) between slices of synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
