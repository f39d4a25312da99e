import type { PrismaClient } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import type { AuditFilter } from "./schemas";

export interface FilterSql {
  /** Conditions on `e` (audit_events), joined by AND; "TRUE" for no filter. */
  sql: string;
  params: unknown[];
}

/**
 * The SQL of a filter of the audit history (list, export), with placeholders numbered from
 * `first`. Each condition is served by an index ending in seq (migration
 * 20261204400000_audit_filter_indexes), so newest-first pages read only what they show:
 *
 * - actor: the object id exactly, or part of the name (a trigram index; at least 3 characters,
 *   the schema insists, since shorter text has no trigram to look up);
 * - action: exact, or a prefix (`deployment.*`);
 * - target: type, or type and id;
 * - planHash: events about a plan with that content hash (four-eyes approval);
 * - from / to: turned into a range of sequence numbers (timeRangeSeqs), kept as time conditions too.
 */
export async function auditFilterSql(
  db: PrismaClient,
  filter: Omit<AuditFilter, "cursor" | "limit">,
  first: number,
): Promise<FilterSql> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  if (filter.actor) {
    conditions.push(
      `(e.actor_oid = ${param(filter.actor)} OR e.actor_name ILIKE ${param(`%${escapeLike(filter.actor)}%`)})`,
    );
  }
  if (filter.action) {
    conditions.push(
      filter.action.endsWith("*")
        ? `e.action LIKE ${param(`${escapeLike(filter.action.slice(0, -1))}%`)}`
        : `e.action = ${param(filter.action)}`,
    );
  }
  if (filter.target) {
    const [type, ...id] = filter.target.split(":");
    conditions.push(`e.target_type = ${param(type)}`);
    if (id.length) conditions.push(`e.target_id = ${param(id.join(":"))}`);
  }
  if (filter.planHash) {
    // Served by the partial expression index of migration 20261205500000_four_eyes_approval.
    conditions.push(`e.after ? 'planHash' AND e.after->>'planHash' = ${param(filter.planHash)}`);
  }
  if (filter.from || filter.to) {
    const seqs = await timeRangeSeqs(db, filter.from, filter.to);
    conditions.push(`e.seq BETWEEN ${param(seqs.first)}::bigint AND ${param(seqs.last)}::bigint`);
    if (filter.from) conditions.push(`e.time >= ${param(filter.from)}::timestamptz`);
    if (filter.to) conditions.push(`e.time < ${param(filter.to)}::timestamptz`);
  }
  return { sql: conditions.length ? conditions.join(" AND ") : "TRUE", params };
}

/** LIKE's wildcards taken literally (backslash is its default escape character). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const NONE = "9223372036854775807";

/**
 * The sequence numbers that bound the events of a time range: every event in [from, to) has a
 * sequence number between `first` and `last`. From `ordered_from` on, times never go backwards
 * along the chain (the insert trigger refuses it), so one probe of the time index at each end
 * finds them; events before it (history older than that trigger) are looked at one by one — a
 * scan bounded by their number, which is zero for a history written since.
 */
export async function timeRangeSeqs(
  db: PrismaClient,
  from: string | undefined,
  to: string | undefined,
): Promise<{ first: string; last: string }> {
  const [row] = await rawRowsOf(db)(
    `WITH o AS (SELECT COALESCE((SELECT ordered_from FROM audit_time_order WHERE id = 1), ${NONE}::bigint) AS m)
     SELECT
       CASE WHEN $1::timestamptz IS NULL THEN '0' ELSE COALESCE(LEAST(
         (SELECT e.seq FROM audit_events e, o WHERE e.time >= $1::timestamptz AND e.seq >= o.m ORDER BY e.time, e.seq LIMIT 1),
         (SELECT min(e.seq) FROM audit_events e, o WHERE e.seq < o.m AND e.time >= $1::timestamptz)), ${NONE}::bigint)::text END,
       CASE WHEN $2::timestamptz IS NULL THEN '${NONE}' ELSE COALESCE(GREATEST(
         (SELECT e.seq FROM audit_events e, o WHERE e.time < $2::timestamptz AND e.seq >= o.m ORDER BY e.time DESC, e.seq DESC LIMIT 1),
         (SELECT max(e.seq) FROM audit_events e, o WHERE e.seq < o.m AND e.time < $2::timestamptz)), 0)::text END`,
    [from ?? null, to ?? null],
  );
  return { first: row![0]!, last: row![1]! };
}
