import type { PrismaClient } from "../db";
import { escapeLike } from "../db/escape-like";
import { AppError } from "../errors";
import { rawRowsOf } from "../db/raw-rows";
import type { AuditFilter } from "./schemas";

export interface FilterSql {
  /** Conditions on `e` (audit_events), joined by AND; "TRUE" for no filter. */
  sql: string;
  params: unknown[];
  /**
   * With an actor filter: the matching actors as two parallel text[] placeholders (object ids,
   * names), and the conditions other than the actor's, so a newest-first page can read each
   * actor's newest events from its index (list-audit-events.ts) instead of filtering a walk.
   */
  actors?: { oids: string; names: string; otherSql: string };
}

/** More matching actors than this and the filter is refused: give more of the name. */
export const MAX_MATCHING_ACTORS = 200;

/**
 * The SQL of a filter of the audit history (list, export), with placeholders numbered from
 * `first`. Each condition is served by an index ending in seq (migrations
 * 20261204400000_audit_filter_indexes and 20261206500000_audit_actor_filter), so newest-first
 * pages read only what they show:
 *
 * - actor: the object id exactly, or part of the name: looked up among the actors
 *   (audit_actors, one row per object id and name, a trigram index on the name), then each
 *   matching actor's events by (actor_oid, actor_name, seq). A name part matching more than
 *   MAX_MATCHING_ACTORS actors is refused, naming the field;
 * - action: exact, or a prefix (`deployment.*`);
 * - target: type, or type and id;
 * - planHash: events about a plan with that content hash (four-eyes approval);
 * - changeHash: events about a change set (`setHash`) or an instance settings change
 *   (`changeHash`) with that hash;
 * - from / to: turned into a range of sequence numbers (timeRangeSeqs); the time conditions are
 *   kept only where the range is not exact (history older than the time-order trigger), since
 *   beside the range they only tempt the planner onto the time index.
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
  if (filter.changeHash) {
    // Served by the partial expression index of migration 20261208200000_audit_change_hash_filter:
    // the expression and the predicate are the index's, word for word.
    conditions.push(
      `(e.after ? 'setHash' OR e.after ? 'changeHash') AND COALESCE(e.after->>'setHash', e.after->>'changeHash') = ${param(filter.changeHash)}`,
    );
  }
  if (filter.from || filter.to) {
    const seqs = await timeRangeSeqs(db, filter.from, filter.to);
    conditions.push(`e.seq BETWEEN ${param(seqs.first)}::bigint AND ${param(seqs.last)}::bigint`);
    if (!seqs.exact && filter.from) conditions.push(`e.time >= ${param(filter.from)}::timestamptz`);
    if (!seqs.exact && filter.to) conditions.push(`e.time < ${param(filter.to)}::timestamptz`);
  }
  const otherSql = conditions.length ? conditions.join(" AND ") : "TRUE";
  if (!filter.actor) return { sql: otherSql, params };
  const actors = await matchingActors(db, filter.actor);
  const oids = `${param(actors.map((a) => a[0]))}::text[]`;
  const names = `${param(actors.map((a) => a[1]))}::text[]`;
  return {
    sql: `(e.actor_oid, e.actor_name) IN (SELECT * FROM unnest(${oids}, ${names})) AND ${otherSql}`,
    params,
    actors: { oids, names, otherSql },
  };
}

/** The actors an actor filter names ($1: the filter, $2: actorPattern of it): the benchmark EXPLAINs it. */
export const MATCHING_ACTORS_SQL = `SELECT actor_oid, actor_name FROM audit_actors WHERE actor_oid = $1 OR actor_name ILIKE $2
  LIMIT ${MAX_MATCHING_ACTORS + 1}`;

/** The ILIKE pattern of part of a name. */
export function actorPattern(actor: string): string {
  return `%${escapeLike(actor)}%`;
}

/** The actors (object id, name) an actor filter names: that object id, or a name containing the text. */
async function matchingActors(db: PrismaClient, actor: string): Promise<Array<Array<string | null>>> {
  const actors = await rawRowsOf(db)(MATCHING_ACTORS_SQL, [actor, actorPattern(actor)]);
  if (actors.length > MAX_MATCHING_ACTORS)
    throw new AppError("bad_request", "The actor filter matches too many actors.", {
      fields: [
        {
          path: "actor",
          message: `matches more than ${MAX_MATCHING_ACTORS} actors: give more of the name, or the object id`,
        },
      ],
    });
  return actors;
}

const NONE = "9223372036854775807";

/** The two probes of timeRangeSeqs ($1 from, $2 to, $3 ordered_from): the benchmark EXPLAINs it. */
export const TIME_RANGE_SEQS_SQL = `SELECT
   CASE WHEN $1::timestamptz IS NULL THEN '0' ELSE COALESCE(LEAST(
     (SELECT e.seq FROM audit_events e WHERE e.time >= $1::timestamptz AND e.seq >= $3::bigint ORDER BY e.time, e.seq LIMIT 1),
     (SELECT min(e.seq) FROM audit_events e WHERE e.seq < $3::bigint AND e.time >= $1::timestamptz)), ${NONE}::bigint)::text END,
   CASE WHEN $2::timestamptz IS NULL THEN '${NONE}' ELSE COALESCE(GREATEST(
     (SELECT e.seq FROM audit_events e WHERE e.time < $2::timestamptz AND e.seq >= $3::bigint ORDER BY e.time DESC, e.seq DESC LIMIT 1),
     (SELECT max(e.seq) FROM audit_events e WHERE e.seq < $3::bigint AND e.time < $2::timestamptz)), 0)::text END`;

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
): Promise<{ first: string; last: string; exact: boolean }> {
  const rows = rawRowsOf(db);
  // Read first, so the probes below are planned knowing it: as an unknown, the planner read every
  // event before `to` from the time index to find the few (usually none) before `ordered_from`.
  const [order] = await rows(`SELECT ordered_from::text FROM audit_time_order WHERE id = 1`, []);
  const orderedFrom = order?.[0] ?? NONE;
  const [row] = await rows(TIME_RANGE_SEQS_SQL, [from ?? null, to ?? null, orderedFrom]);
  const [first, last] = row as [string, string];
  // Every event of the range is in time order when the range starts where they are: then each
  // event between the two probes is in [from, to), and the range is the filter exactly.
  return { first, last, exact: BigInt(first) >= BigInt(orderedFrom) || (first === "0" && BigInt(orderedFrom) <= 1n) };
}
