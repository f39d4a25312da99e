import { Prisma } from "../db";
import { EVENT_DIGEST_SQL } from "./event-sql";

/** An event as `chainInStatementSql` writes it: its columns as SQL values, its before/after as canonical text. */
export interface StatementEvent {
  /** The SQL condition under which the event is recorded (TRUE: always). */
  when: Prisma.Sql;
  /** The event's columns in AUDIT_COLUMNS order, `before`/`after` as their canonical JSON text. */
  values: Prisma.Sql;
}

/** The columns every recorded event carries, in the order `StatementEvent.values` gives them. */
export const AUDIT_COLUMNS = `event_id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
  target_id, "before", "after", outcome, request_id, arm_correlation_id, client_ip`;

/**
 * audit_pending's columns for an event queued with the canonical text of its before/after (what
 * the sequencer hashes in the database, chain-sequencer.ts), in AUDIT_COLUMNS order.
 */
export const QUEUED_CANONICAL_COLUMNS = AUDIT_COLUMNS.replace(`"before", "after"`, "before_canonical, after_canonical");

/** The columns of an event as the chain stores it, each from an item `w` (StatementEvent values) and its place. */
const CHAINED_COLUMNS = `w.event_id AS id, w.actor_type, w.actor_oid, w.actor_tid, w.actor_name, w."action", w.target_type,
  w.target_id, w."before" AS before_canonical, w."after" AS after_canonical, w.outcome, w.request_id, w.arm_correlation_id,
  w.client_ip`;

/**
 * The WITH items that append `events` to the chain inside the caller's statement, on a database
 * whose statements run one at a time in one session (PGlite, lib/db/driver-sql.ts `serial`):
 * there the statement's snapshot is the database as it is and nothing else runs until it has
 * committed, so it can read the head, give its events the next sequence numbers, and insert
 * them, without a queue, a sequencer run or a wait (README, "Appending on PGlite").
 *
 * The hash is computed by the database (EVENT_DIGEST_SQL, the canonical text verification
 * builds: checked-ranges.int.test.ts proves it byte for byte the application's), over the
 * canonical text of before/after written here. Each event continues the one before it, one WITH
 * item per event (`audit_chained_<n>`, the head's for the first). Times never go backwards: an
 * event takes the head's time when that is later. Events whose `when` does not hold are left out.
 *
 * An event must not be chained ahead of one committed before it and still waiting in
 * audit_pending (order by commit). `whenWaiting`:
 * - `refuse`: the first sequence number skips the waiting events, so the insert trigger refuses
 *   the whole statement (refusedAheadOfWaiting) and the caller sends it again through the queue.
 *   Nothing of a refused statement is written. For a statement on its own (auditedStatement).
 * - `queue`: the events go into audit_pending behind the waiting ones instead, and the item
 *   `audit_queued_behind` returns a row for each, so the caller knows to chain after its commit.
 *   For a statement inside a transaction, which a refusal would abort (appendAuditEvent).
 */
export function chainInStatementSql(events: readonly StatementEvent[], whenWaiting: "refuse" | "queue"): Prisma.Sql {
  const rows = events.map(({ when, values }, index) => Prisma.sql`(${index + 1}::int, ${when}, ${values})`);
  const headSeq = whenWaiting === "refuse" ? "last_seq + (SELECT count(*) FROM audit_pending)" : "last_seq";
  const links = events.map((_, index) => {
    const n = index + 1;
    const previous =
      n === 1
        ? `SELECT ${headSeq} AS seq, last_hash AS hash, last_time AS "time" FROM audit_chain_head WHERE id = 1`
        : `SELECT seq, hash, "time" FROM audit_chained_${n - 1}`;
    return Prisma.raw(`audit_chained_${n} AS (
      SELECT e.*, ${EVENT_DIGEST_SQL} AS hash FROM (
        SELECT p.seq + 1 AS seq, ${CHAINED_COLUMNS}, GREATEST(w."time", p."time") AS "time", p.hash AS prev_hash
        FROM (${previous}) p JOIN audit_wanted w ON w.n = ${n}
      ) e
    )`);
  });
  const chained = events.map((_, index) => `SELECT * FROM audit_chained_${index + 1}`).join(" UNION ALL ");
  const waiting = Prisma.raw(whenWaiting === "queue" ? "EXISTS (SELECT 1 FROM audit_pending)" : "FALSE");
  return Prisma.sql`audit_given AS (
    SELECT * FROM (VALUES ${Prisma.join(rows)}) AS given (ord, wanted, ${Prisma.raw(AUDIT_COLUMNS)}) WHERE wanted
  ),
  audit_wanted AS (
    SELECT row_number() OVER (ORDER BY ord) AS n, * FROM audit_given WHERE NOT ${waiting}
  ),
  ${Prisma.join(links)},
  audit_queued AS (
    INSERT INTO audit_events (seq, id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
      target_id, before_canonical, after_canonical, outcome, request_id, arm_correlation_id, client_ip, prev_hash, hash)
    SELECT seq, id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type, target_id,
      before_canonical, after_canonical, outcome, request_id, arm_correlation_id, client_ip, prev_hash, hash
    FROM (${Prisma.raw(chained)}) AS chained
    ORDER BY seq
  )${
    whenWaiting === "queue"
      ? Prisma.sql`,
  audit_queued_behind AS (
    INSERT INTO audit_pending (${Prisma.raw(QUEUED_CANONICAL_COLUMNS)})
    SELECT ${Prisma.raw(AUDIT_COLUMNS)} FROM audit_given WHERE ${waiting}
    ORDER BY ord
    RETURNING id
  )`
      : Prisma.empty
  }`;
}

/** The insert trigger refused a statement's events because events committed before it wait in the queue. */
export function refusedAheadOfWaiting(error: unknown): boolean {
  return error instanceof Error && /audit event refused: its sequence is/.test(error.message);
}
