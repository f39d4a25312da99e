import type { PrismaClient } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import type { EventRange } from "./event-rows";
import { EXPORT_LINE_SQL } from "./event-sql";

/** Sequence numbers per query (~5 ms of the database's work): the lines of a range die young (at 5,000, waiting their turn, they were promoted and the heap grew to ~350 MiB). */
const RANGE = 1_000;
/** Lines per string: under V8's large-object size (128 KiB), so each dies young instead of piling up. */
const LINES_PER_CHUNK = 40;
/** Ranges the database writes at once (one connection each): both cores of a small server. */
const IN_FLIGHT = 2;

/*
 * The lines of one range, written by the database (EXPORT_LINE_SQL), joined LINES_PER_CHUNK at a
 * time: one string per event through the driver cost more here than the database's own work, one
 * string per range (~3 MB) lived in the large-object space until a full collection and held
 * ~250 MiB of garbage resident.
 */
function rangeSql(where: EventRange["where"]): string {
  return `SELECT string_agg(line, '' ORDER BY seq) FROM (
      SELECT e.seq, ${EXPORT_LINE_SQL} || E'\\n' AS line, (e.seq - $1::bigint - 1) / ${LINES_PER_CHUNK} AS chunk
      FROM audit_events e WHERE e.seq > $1::bigint AND e.seq <= $2::bigint${where ? ` AND ${where.sql}` : ""}) lines
    GROUP BY chunk ORDER BY chunk`;
}

/**
 * The NDJSON lines of the events of `range` (up to `upTo`, which an export always has: the head
 * it signed) in chain order, one array of strings per RANGE sequence numbers; IN_FLIGHT ranges are
 * requested at once and the next is requested as one is handed out, so the database writes while
 * the reader reads, and at most IN_FLIGHT + 1 ranges are in memory.
 */
export async function* exportLines(
  db: PrismaClient,
  range: EventRange & { upTo: bigint },
): AsyncGenerator<string[], void, undefined> {
  const rows = rawRowsOf(db);
  const sql = rangeSql(range.where);
  const params = range.where?.params ?? [];
  const pending: Array<Promise<Array<Array<string | null>>>> = [];
  let next = range.after;
  try {
    for (;;) {
      while (pending.length < IN_FLIGHT && next < range.upTo) {
        const upTo = next + BigInt(RANGE) < range.upTo ? next + BigInt(RANGE) : range.upTo;
        pending.push(rows(sql, [next.toString(), upTo.toString(), ...params]));
        next = upTo;
      }
      if (pending.length === 0) return;
      const chunks = await pending.shift()!;
      yield chunks.map((row) => row[0] ?? "");
    }
  } finally {
    // A cancelled download leaves the requested ranges unread.
    for (const dropped of pending) dropped.catch(() => undefined);
  }
}
