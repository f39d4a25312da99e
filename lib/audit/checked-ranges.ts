import type { PrismaClient } from "../db";
import { rawRowsOf, type RawRows } from "../db/raw-rows";
import { canonicalJson } from "./canonical-json";
import { hashAuditEvent } from "./event-hash";
import { EVENT_COLUMNS, hashedFieldsOf, hashOfRow, type EventRow } from "./event-rows";
import {
  DERIVED_COLUMNS,
  DERIVED_COLUMNS_SQL,
  EVENT_DIGEST_DERIVED_SQL,
  EVENT_DIGEST_SQL,
  SAME_DERIVED_PAYLOAD_SQL,
  SAME_PAYLOAD_SQL,
} from "./event-sql";

/** Sequence numbers per query: ~50 ms of the database's work, a few rows back. */
const CHECKED_RANGE = 10_000;
/** Ranges the database works on at once (one connection each): both cores of a small server. */
const IN_FLIGHT = 2;

/**
 * An event the verifier must see itself: the first and last of a range, one carrying a
 * checkpoint, and any the database did not find in order (README, "Verifying in the database").
 * The events between two of them continued the chain and matched their hashes.
 */
export interface CheckedEvent {
  seq: bigint;
  id: string;
  prevHash: string;
  hash: string;
  /** Its hash as recomputed: by the database where it could, else here. */
  recomputedHash: string;
  /** The events before it in its range that the database found in order, since the last CheckedEvent. */
  inOrderBefore: number;
  /** The last of those (null when there are none). */
  before: { seq: bigint; hash: string } | null;
}

/*
 * Each row of a range is hashed by the database (EVENT_DIGEST_SQL) and compared with the one
 * before it (lag); only rows the verifier must see are sent, with every column, so that an event
 * the database cannot vouch for (stored before the canonical text existed, or whose canonical text
 * and jsonb disagree) is checked here exactly as before. The join reads those few rows by key.
 * `digest` and `same`: EVENT_DIGEST_DERIVED_SQL and SAME_DERIVED_PAYLOAD_SQL while the derived
 * columns are intact (DERIVED_COLUMNS_SQL), else EVENT_DIGEST_SQL and SAME_PAYLOAD_SQL.
 */
function checkedRangeSql(digest: string, same: string): string {
  return `SELECT ${EVENT_COLUMNS}, e.before_canonical, e.after_canonical, c.digest, c.same::text,
    c.prior_seq::text, c.prior_hash, c.n::text
  FROM (
    SELECT b.seq, b.digest, b.same, lag(b.seq) OVER w AS prior_seq, lag(b.hash) OVER w AS prior_hash,
      row_number() OVER w AS n, lead(b.seq) OVER w AS next_seq,
      (b.seq = lag(b.seq) OVER w + 1 AND b.prev_hash = lag(b.hash) OVER w AND b.digest = b.hash AND b.same) AS in_order
    FROM (SELECT e.seq, e.hash, e.prev_hash, ${digest} AS digest, ${same} AS same
      FROM audit_events e WHERE e.seq > $1::bigint AND e.seq <= $2::bigint) b
    WINDOW w AS (ORDER BY b.seq)
  ) c
  JOIN audit_events e ON e.seq = c.seq AND e.seq > $1::bigint AND e.seq <= $2::bigint
  WHERE c.n = 1 OR c.next_seq IS NULL OR c.seq = ANY($3::bigint[]) OR c.in_order IS NOT TRUE
  ORDER BY c.seq`;
}
const CHECKED_DERIVED_SQL = checkedRangeSql(EVENT_DIGEST_DERIVED_SQL, SAME_DERIVED_PAYLOAD_SQL);
const CHECKED_COMPARED_SQL = checkedRangeSql(EVENT_DIGEST_SQL, SAME_PAYLOAD_SQL);

/** Every row of a range, for this process to check (a canonical text that is not JSON stops checkedRangeSql). */
const EVERY_ROW_SQL = `SELECT ${EVENT_COLUMNS}, e.before_canonical, e.after_canonical, NULL, NULL, NULL, NULL,
    (row_number() OVER (ORDER BY e.seq))::text
  FROM audit_events e WHERE e.seq > $1::bigint AND e.seq <= $2::bigint ORDER BY e.seq`;

/**
 * The chain in order, range by range of `rangeSize` sequence numbers, IN_FLIGHT ranges
 * requested at once: the database hashes and links the events, this process gets only the
 * CheckedEvents. `checkpointSeqs`: events that carry a checkpoint (each is sent).
 */
export async function* checkedRanges(
  db: PrismaClient,
  checkpointSeqs: readonly bigint[],
  rangeSize = CHECKED_RANGE,
): AsyncGenerator<CheckedEvent[], void, undefined> {
  const rows = rawRowsOf(db);
  const [derived] = await rows(DERIVED_COLUMNS_SQL, [Object.keys(DERIVED_COLUMNS), Object.values(DERIVED_COLUMNS)]);
  const checkedSql = derived?.[0] === "true" ? CHECKED_DERIVED_SQL : CHECKED_COMPARED_SQL;
  const size = BigInt(rangeSize);
  const seqs = checkpointSeqs.map(String);
  const pending: Array<Promise<CheckedEvent[]>> = [];
  let next = 0n;
  try {
    for (;;) {
      while (pending.length < IN_FLIGHT) {
        pending.push(checkRange(rows, checkedSql, next, next + size, seqs));
        next += size;
      }
      const events = await pending.shift()!;
      if (events.length > 0) {
        yield events;
        continue;
      }
      // An empty range: the end of the chain, or a gap (a removed stretch, which the verifier
      // reports at the first event after it). Ranges already requested past it are dropped.
      const rangeEnd = next - size * BigInt(pending.length);
      for (const dropped of pending.splice(0)) dropped.catch(() => undefined);
      const [after] = await rows(`SELECT min(seq)::text FROM audit_events WHERE seq > $1::bigint`, [
        rangeEnd.toString(),
      ]);
      if (!after?.[0]) return;
      next = BigInt(after[0]) - 1n;
    }
  } finally {
    // A caller that stops early (a broken chain) leaves the requested ranges unread.
    for (const dropped of pending) dropped.catch(() => undefined);
  }
}

async function checkRange(
  rows: RawRows,
  checkedSql: string,
  after: bigint,
  upTo: bigint,
  checkpointSeqs: string[],
): Promise<CheckedEvent[]> {
  const range = [after.toString(), upTo.toString()];
  let found: EventRow[];
  try {
    found = await rows(checkedSql, [...range, checkpointSeqs]);
  } catch (error) {
    if (!isDataError(error)) throw error;
    found = await rows(EVERY_ROW_SQL, range);
  }
  let lastN = 0;
  return found.map((row) => {
    const n = Number(row[24]);
    const digest = row[20];
    const inOrderBefore = n - 1 - lastN;
    lastN = n;
    return {
      seq: BigInt(row[0]!),
      id: row[1]!,
      prevHash: row[16]!,
      hash: row[17]!,
      recomputedHash: digest && row[21] === "true" ? digest : hashHere(row),
      inOrderBefore,
      before: inOrderBefore > 0 ? { seq: BigInt(row[22]!), hash: row[23]! } : null,
    };
  });
}

/**
 * The hash of a row as this process computes it from the jsonb columns (hashOfRow); where the
 * row also has the canonical text, it must be exactly the canonical JSON of those columns, or
 * the event was altered (a value no hash equals).
 */
function hashHere(row: EventRow): string {
  if (row[18] === null && row[19] === null) return hashOfRow(row);
  const fields = hashedFieldsOf(row);
  if (
    (row[18] !== null && row[18] !== canonicalJson(fields.before)) ||
    (row[19] !== null && row[19] !== canonicalJson(fields.after))
  )
    return "its canonical before/after differ from its before/after";
  return hashAuditEvent(fields);
}

/** A value the database could not read as its type (SQLSTATE class 22): a canonical text that is not JSON. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("22");
}
