import type { PrismaClient } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import { hash } from "node:crypto";
import { canonicalJson } from "./canonical-json";
import { hashAuditEvent, type HashedAuditFields } from "./event-hash";
import type { PublicAuditEvent } from "./stored-event";

/**
 * Audit events read in bulk (verification, export, lists): each row the text PostgreSQL sends,
 * without the ORM's per-row objects and conversions (lib/db/raw-rows.ts), turned into exactly
 * what toHashedFields / toPublicEvent make of a Prisma row: every verification test depends on
 * it, since the stored hashes were computed from what the app wrote. The time travels as epoch
 * milliseconds, written as Date#toISOString writes it (isoTimeOf).
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
    time: isoTimeOf(row[2]!),
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

/*
 * Verification and export turn a million rows into text. Going through the objects above costs
 * an object graph, a Date and a JSON.stringify per field for every row, most of it garbage at
 * once; the function below writes the same text straight from the row. Every text column is
 * written between quotes as it is when none of them holds a character JSON escapes (a quote, a
 * backslash, a control character) or a surrogate; a row that does takes the general path.
 * Byte for byte what the general path writes: event-rows.test.ts.
 */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** The text columns of a row all go into JSON unescaped. */
function plainRow(row: EventRow): boolean {
  return !NEEDS_ESCAPE.test(
    `${row[0]}${row[1]}${row[3]}${row[4]}${row[5]}${row[6]}${row[7]}${row[8]}${row[9]}${row[12]}${row[13]}${row[14]}${row[15]}${row[16]}${row[17]}`,
  );
}

/** A plain text column as a JSON value. */
function q(value: string | null): string {
  return value === null ? "null" : `"${value}"`;
}

/** The canonical JSON of a jsonb column's text (null: "null"), as the event's hash covers it. */
export function canonicalJsonText(json: string | null): string {
  return json === null ? "null" : canonicalJson(JSON.parse(json));
}

/** hashAuditEvent(hashedFieldsOf(row)): the canonical JSON of canonicalEventJson, from the row. */
export function hashOfRow(row: EventRow): string {
  if (!plainRow(row)) return hashAuditEvent(hashedFieldsOf(row));
  const before = canonicalJsonText(row[10] ?? null);
  const after = canonicalJsonText(row[11] ?? null);
  return hash(
    "sha256",
    `{"action":${q(row[7]!)},"actor":{"name":${q(row[6]!)},"oid":${q(row[4]!)},"tid":${q(row[5]!)},"type":${q(row[3]!)}}` +
      `,"after":${after},"armCorrelationId":${q(row[14]!)},"before":${before},"clientIp":${q(row[15]!)},"id":${q(row[1]!)}` +
      `,"outcome":${q(row[12]!)},"prevHash":${q(row[16]!)},"requestId":${q(row[13]!)},"seq":${q(row[0]!)}` +
      `,"target":{"id":${q(row[9]!)},"type":${q(row[8]!)}},"time":"${isoTimeOf(row[2]!)}"}`,
    "hex",
  );
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
let cachedDay = NaN;
let cachedDayPrefix = "";

/**
 * new Date(Number(ms)).toISOString(): the day's part ("2025-12-01T") made by the Date once per
 * day (consecutive events mostly share one), the time of day by arithmetic.
 */
export function isoTimeOf(ms: string): string {
  const time = Number(ms);
  if (!Number.isInteger(time) || Math.abs(time) > 8.64e15) return new Date(time).toISOString();
  const day = Math.floor(time / DAY_MS) * DAY_MS;
  if (day !== cachedDay) {
    cachedDayPrefix = new Date(day).toISOString().slice(0, -13);
    cachedDay = day;
  }
  let rest = time - day;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

/**
 * Rows per query of the readers that write each row here (CSV export): large enough that round trips do
 * not count (the next batch is already requested), small enough that a batch is garbage before a
 * scavenge promotes it. At 5,000 and 2,000 rows batches were promoted: the heap grew to ~300 MiB
 * over a million events; at 500 it stays under 100 MiB and the CPU per event is lower (less GC).
 */
export const ROW_BATCH = 500;

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
 * current one is handed out, so the database works on it while the caller writes it.
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
    // A caller that stops early (a cancelled download) leaves the prefetched batch unread.
    pending.catch(() => undefined);
  }
}
