import { randomUUID } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import { Prisma, type PrismaClient } from "../db";
import { driverSqlOf, type DriverSqlOptions } from "../db/driver-sql";
import { log } from "../log";
import type { AuditInput } from "./audit-input";
import { chainWaitingEvents } from "./chain-sequencer";
import { signCheckpointInBackground } from "./sign-checkpoint";

declare const audited: unique symbol;
/**
 * A transaction opened by `auditedTransaction`: the only kind `appendAuditEvent` accepts, so an
 * event can never be written in a transaction whose commit nobody follows with chaining.
 */
export type AuditTx = Prisma.TransactionClient & { readonly [audited]: true };

/**
 * Runs `work` in one transaction; the audit events it appends commit with its changes or not
 * at all. Once committed, the events join the hash chain (group commit, see README) before this
 * returns, so whoever reads the history next sees them; a signed checkpoint follows when one is due.
 */
export async function auditedTransaction<T>(db: PrismaClient, work: (tx: AuditTx) => Promise<T>): Promise<T> {
  let transaction: object | undefined;
  const result = await db.$transaction((tx) => {
    transaction = tx;
    return work(tx as AuditTx);
  });
  // A transaction that recorded no event (a change that turned out to be none) has nothing to chain.
  if (transaction && appended.has(transaction)) await chainCommitted(db);
  return result;
}

/** Transactions of auditedTransaction that appended at least one event. */
const appended = new WeakSet<object>();

/**
 * Published, when someone listens (a benchmark's wait profile), with how long each caller waited
 * for its events to join the chain; in the caller's async context.
 */
export const AUDIT_CHAIN_WAIT_CHANNEL = "portcullis:audit:chain-wait";
export interface AuditChainWait {
  /** performance.now() at the start and end of the wait. */
  startMs: number;
  endMs: number;
}
const chainWait = diagnosticsChannel.channel(AUDIT_CHAIN_WAIT_CHANNEL);

/** After a commit that queued events: they join the chain before the caller goes on. */
async function chainCommitted(db: PrismaClient): Promise<void> {
  const startMs = chainWait.hasSubscribers ? performance.now() : 0;
  try {
    const head = await chainWaitingEvents(db);
    if (head !== null) signCheckpointInBackground(db, head);
  } catch (error) {
    // The change and its event are committed; the event waits in audit_pending and joins the
    // chain with the next append, read or start. Failing here would invite a retry of a change
    // that happened.
    log.error({ err: error }, "audit events committed but not yet chained; the next append will chain them");
  }
  if (chainWait.hasSubscribers) chainWait.publish({ startMs, endMs: performance.now() } satisfies AuditChainWait);
}

/** An event for `auditedStatement`, queued only when `when` (an SQL boolean) holds. */
export interface QueuedEvent {
  event: AuditInput;
  when?: Prisma.Sql;
  /**
   * The event's `after` as the statement computes it (a jsonb expression over its WITH items),
   * instead of `event.after`: for a change whose outcome only the statement knows, e.g. how many
   * rows it inserted.
   */
  afterSql?: Prisma.Sql;
}

/**
 * One statement that makes a change and queues its audit events: a data-modifying `WITH` query.
 * A statement is atomic, so the change and its events commit together or not at all, exactly as
 * with auditedTransaction, without a transaction's round trips (BEGIN, each statement, COMMIT):
 * the hot paths of an apply (README, "Appending"). `statement` gets `queue`, which returns the
 * `audit_queued AS (INSERT INTO audit_pending …)` part of the WITH list; it must be used once.
 * The events are queued in the order given, and those whose `when` holds are chained "before"
 * this returns, as "after" auditedTransaction. Returns the statement's rows as the driver parses
 * them (lib/db/driver-sql.ts: cast int8 to text). `options.prepared`: see DriverSqlOptions (the
 * text includes one VALUES row per event).
 */
export async function auditedStatement<Row>(
  db: PrismaClient,
  statement: (queue: (events: readonly QueuedEvent[]) => Prisma.Sql) => Prisma.Sql,
  options?: DriverSqlOptions,
): Promise<Row[]> {
  let queued = 0;
  const sql = statement((events) => {
    queued += 1;
    return queueEvents(events);
  });
  if (queued !== 1) throw new Error("auditedStatement: the statement must queue its events exactly once");
  // Straight to the driver: on the hot paths Prisma's raw query costs more than the statement.
  const rows = await driverSqlOf(db).query<Row>(sql, options);
  await chainCommitted(db);
  return rows;
}

/** The WITH item that inserts `events` into audit_pending, in their order, each when its condition holds. */
function queueEvents(events: readonly QueuedEvent[]): Prisma.Sql {
  if (events.length === 0) throw new Error("auditedStatement: no event to queue");
  const rows = events.map(({ event, when, afterSql }, index) => {
    const row = pendingRow(event);
    const json = (value: Prisma.InputJsonValue | undefined) => (value === undefined ? null : JSON.stringify(value));
    return Prisma.sql`(${index}::int, ${when ?? Prisma.sql`TRUE`}, ${row.eventId}::uuid, ${row.time.toISOString()}::timestamptz,
      ${row.actorType}::text, ${row.actorOid}::text, ${row.actorTid}::text, ${row.actorName}::text, ${row.action}::text,
      ${row.targetType}::text, ${row.targetId}::text, ${json(row.before)}::jsonb, ${afterSql ?? Prisma.sql`${json(row.after)}::jsonb`},
      ${row.outcome}::text, ${row.requestId}::text, ${row.armCorrelationId}::text, ${row.clientIp}::text)`;
  });
  return Prisma.sql`audit_queued AS (
    INSERT INTO audit_pending (event_id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
      target_id, "before", "after", outcome, request_id, arm_correlation_id, client_ip)
    SELECT event_id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
      target_id, "before", "after", outcome, request_id, arm_correlation_id, client_ip
    FROM (VALUES ${Prisma.join(rows)}) AS queued (ord, wanted, event_id, "time", actor_type, actor_oid, actor_tid,
      actor_name, "action", target_type, target_id, "before", "after", outcome, request_id, arm_correlation_id, client_ip)
    WHERE wanted
    ORDER BY ord
  )`;
}

/**
 * Records one event inside the caller's audited transaction. It waits in `audit_pending`
 * (no lock shared with unrelated changes) until it is given its place in the chain.
 */
export async function appendAuditEvent(tx: AuditTx, input: AuditInput): Promise<void> {
  appended.add(tx);
  await tx.auditPending.create({ data: pendingRow(input) });
}

/** The queued row of an event, recorded now. */
function pendingRow(input: AuditInput) {
  const before = jsonOrUndefined(input.before);
  const after = jsonOrUndefined(input.after);
  return {
    eventId: randomUUID(),
    time: new Date(),
    actorType: input.actor.type,
    actorOid: input.actor.oid,
    actorTid: input.actor.tid || null,
    actorName: input.actor.name,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id,
    before,
    after,
    outcome: input.outcome,
    requestId: input.requestId ?? null,
    armCorrelationId: input.armCorrelationId ?? null,
    clientIp: input.clientIp ?? null,
  };
}

/** Runs `work` and appends its audit event in one transaction: both commit or neither. */
export async function runAudited<T>(
  db: PrismaClient,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  describe: (result: T) => AuditInput,
): Promise<T> {
  return auditedTransaction(db, async (tx) => {
    const result = await work(tx);
    await appendAuditEvent(tx, describe(result));
    return result;
  });
}

/** Appends an event that is itself the record (a denial, a failed step), in its own transaction. */
export async function recordAuditEvent(db: PrismaClient, input: AuditInput): Promise<void> {
  await auditedTransaction(db, (tx) => appendAuditEvent(tx, input));
}

/**
 * JSON round-trip so what is hashed is exactly what jsonb stores (no undefined, no Dates);
 * absent and null are both stored as SQL NULL and hashed as null.
 */
function jsonOrUndefined(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  const plain = JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue | null;
  return plain === null ? undefined : plain;
}
