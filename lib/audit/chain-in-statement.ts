import { Prisma } from "../db";
import { chainedEventsSql } from "./event-sql";
import { AUDIT_COLUMNS, statementEventsSql, type QueuedEvent } from "./statement-events";

/**
 * audit_pending's columns for an event queued with the canonical text of its before/after (what
 * the sequencer hashes in the database, chain-sequencer.ts), in AUDIT_COLUMNS order.
 */
export const QUEUED_CANONICAL_COLUMNS = AUDIT_COLUMNS.replace(`"before", "after"`, "before_canonical, after_canonical");

/** The digest's columns of a wanted event `w` as the chain stores it (EVENT_DIGEST_SQL reads them from `e`). */
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
 * The events come as `audit_given` (statementEventsSql: one array parameter per column, before/after
 * as the canonical text their hash covers). The hash is computed by the database
 * (EVENT_DIGEST_SQL, the canonical text verification builds: checked-ranges.int.test.ts proves it
 * byte for byte the application's), in a recursive item (chainedEventsSql), one event after the
 * other as the sequencer's run does: each continues the one before it, the head's for the first,
 * whatever the number of events. Times never go backwards: an event takes the previous
 * one's time when that is later. Events whose `when` does not hold are left out.
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
export function chainInStatementSql(events: readonly QueuedEvent[], whenWaiting: "refuse" | "queue"): Prisma.Sql {
  const headSeq = whenWaiting === "refuse" ? "last_seq + (SELECT count(*) FROM audit_pending)" : "last_seq";
  const waiting = Prisma.raw(whenWaiting === "queue" ? "EXISTS (SELECT 1 FROM audit_pending)" : "FALSE");
  // A recursive item must be declared by the statement's own WITH (the caller's): it is one
  // nested in this item's query instead.
  return Prisma.sql`${statementEventsSql(events)},
  audit_wanted AS (
    SELECT row_number() OVER (ORDER BY ord) AS n, * FROM audit_given WHERE wanted AND NOT ${waiting}
  ),
  audit_chained AS (
    WITH RECURSIVE ${Prisma.raw(chainedEventsSql("audit_wanted", CHAINED_COLUMNS, headSeq))}
    SELECT * FROM chained WHERE n > 0
  ),
  audit_queued AS (
    INSERT INTO audit_events (seq, id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
      target_id, before_canonical, after_canonical, outcome, request_id, arm_correlation_id, client_ip, prev_hash, hash)
    SELECT c.seq, w.event_id, c."time", w.actor_type, w.actor_oid, w.actor_tid, w.actor_name, w."action", w.target_type,
      w.target_id, w."before", w."after", w.outcome, w.request_id, w.arm_correlation_id, w.client_ip, c.prev_hash, c.hash
    FROM audit_chained c JOIN audit_wanted w ON w.n = c.n
    ORDER BY c.seq
  )${
    whenWaiting === "queue"
      ? Prisma.sql`,
  audit_queued_behind AS (
    INSERT INTO audit_pending (${Prisma.raw(QUEUED_CANONICAL_COLUMNS)})
    SELECT ${Prisma.raw(AUDIT_COLUMNS)} FROM audit_given WHERE wanted AND ${waiting}
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
