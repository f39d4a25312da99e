import diagnosticsChannel from "node:diagnostics_channel";
import { Prisma, type PrismaClient } from "../db";
import { runInBackground } from "../db/background-work";
import { driverSqlOf, type DriverSqlOptions } from "../db/driver-sql";
import { log } from "../log";
import type { AuditInput } from "./audit-input";
import { chainInStatementSql, QUEUED_CANONICAL_COLUMNS, refusedAheadOfWaiting } from "./chain-in-statement";
import { chainWaitingEvents, chainWaitingEventsSoon } from "./chain-sequencer";
import { signCheckpointInBackground } from "./sign-checkpoint";
import { AUDIT_COLUMNS, canonicalText, eventRow, statementEventsSql, type QueuedEvent } from "./statement-events";

export type { QueuedEvent } from "./statement-events";

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
  const serial = driverSqlOf(db).serial === true;
  let appends: Appends | undefined;
  const result = await db.$transaction((tx) => {
    appends = { serial, events: 0, queued: false };
    transactions.set(tx, appends);
    return work(tx as AuditTx);
  });
  if (appends && appends.events > 0) {
    // Chained in the transaction itself (PGlite), or queued: they join the chain now.
    if (appends.queued) await chainCommitted(db, appends.events);
    else signCheckpointInBackground(db, appends.events);
  }
  return result;
}

/** What the events a transaction of auditedTransaction appended need once it commits. */
interface Appends {
  /** The database runs one statement at a time (lib/db/driver-sql.ts): events are chained in the transaction. */
  serial: boolean;
  events: number;
  /** Some went into the queue: the sequencer chains them after the commit. */
  queued: boolean;
}
const transactions = new WeakMap<object, Appends>();

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

/**
 * After a commit that queued `events` events: they join the chain before the caller goes on, or
 * meanwhile (`waited` false: nobody waits, so no wait is published, and the run waits a moment
 * for other such commits to join it: chainWaitingEventsSoon).
 */
async function chainCommitted(db: PrismaClient, events: number, waited = true): Promise<void> {
  const published = waited && chainWait.hasSubscribers;
  const startMs = published ? performance.now() : 0;
  try {
    await (waited ? chainWaitingEvents(db) : chainWaitingEventsSoon(db));
    signCheckpointInBackground(db, events);
  } catch (error) {
    // The change and its event are committed; the event waits in audit_pending and joins the
    // chain with the next append, read or start. Failing here would invite a retry of a change
    // that happened.
    log.error({ err: error }, "audit events committed but not yet chained; the next append will chain them");
  }
  if (published) chainWait.publish({ startMs, endMs: performance.now() } satisfies AuditChainWait);
}

/**
 * One statement that makes a change and records its audit events: a data-modifying `WITH` query.
 * A statement is atomic, so the change and its events commit together or not at all, exactly as
 * with auditedTransaction, without a transaction's round trips (BEGIN, each statement, COMMIT):
 * the hot paths of an apply (README, "Appending"). `statement` gets `queue`, which returns the
 * WITH items that record the events (ending in `audit_queued`); it must be used once. The events
 * are recorded in the order given, and those whose `when` holds are chained before this returns,
 * as after auditedTransaction: queued and chained by the sequencer, or, where statements run one
 * at a time (PGlite), chained by the statement itself (chain-in-statement.ts). Returns the
 * statement's rows as the driver parses them (lib/db/driver-sql.ts: cast int8 to text).
 * `options.prepared`: see DriverSqlOptions (the events are parameters, one array per column: the
 * text depends only on which of them have a `when` or an `afterCanonicalSql`). `options.chain`:
 * "background" returns once the statement committed, its events joining the chain meanwhile
 * (a run starts soon, shared with other such statements, not waited for; closing the database
 * waits for it): every reader of the history (lists, verification, export, checkpoints) chains
 * what waits before it reads, so no reader can miss them; for an apply's plan, start and end
 * (README, "Appending", point 3).
 */
export async function auditedStatement<Row>(
  db: PrismaClient,
  statement: (queue: (events: readonly QueuedEvent[]) => Prisma.Sql) => Prisma.Sql,
  options?: DriverSqlOptions & { chain?: "wait" | "background" },
): Promise<Row[]> {
  const driver = driverSqlOf(db);
  let recorded = 0;
  const build = (inStatement: boolean) => {
    let queued = 0;
    const sql = statement((events) => {
      queued += 1;
      recorded = events.length;
      return inStatement ? chainInStatementSql(events, "refuse") : queueEvents(events);
    });
    if (queued !== 1) throw new Error("auditedStatement: the statement must queue its events exactly once");
    return sql;
  };
  if (driver.serial) {
    try {
      const rows = await driver.query<Row>(build(true), options);
      signCheckpointInBackground(db, recorded);
      return rows;
    } catch (error) {
      // Events committed before it still wait in the queue: this one's go behind them.
      if (!refusedAheadOfWaiting(error)) throw error;
    }
  }
  // Straight to the driver: on the hot paths Prisma's raw query costs more than the statement.
  const rows = await driver.query<Row>(build(false), options);
  // chainCommitted never rejects: a run that fails leaves the events for the next one. Closing the
  // database waits for a run in the background (lib/db/background-work.ts).
  if (options?.chain === "background") runInBackground(db, chainCommitted(db, recorded, false));
  else await chainCommitted(db, recorded);
  return rows;
}

/**
 * The WITH item that inserts `events` into audit_pending, in their order, each when its condition
 * holds, with the canonical text of before/after, which the sequencer hashes in the database.
 */
function queueEvents(events: readonly QueuedEvent[]): Prisma.Sql {
  return Prisma.sql`${statementEventsSql(events)},
  audit_queued AS (
    INSERT INTO audit_pending (${Prisma.raw(QUEUED_CANONICAL_COLUMNS)})
    SELECT ${Prisma.raw(AUDIT_COLUMNS)} FROM audit_given
    WHERE wanted
    ORDER BY ord
  )`;
}

/**
 * Records one event inside the caller's audited transaction. It waits in `audit_pending`
 * (no lock shared with unrelated changes) until it is given its place in the chain; where the
 * database runs one statement at a time (PGlite), it takes its place at once (chain-in-statement.ts).
 */
export async function appendAuditEvent(tx: AuditTx, input: AuditInput): Promise<void> {
  const appends = transactions.get(tx)!;
  appends.events += 1;
  if (!appends.serial) {
    appends.queued = true;
    const { before, after, ...row } = eventRow(input);
    await tx.auditPending.create({
      data: { ...row, beforeCanonical: canonicalText(before), afterCanonical: canonicalText(after) },
    });
    return;
  }
  // Nothing else runs until this transaction ends: the event is chained here, unless events
  // committed before it still wait (then it waits behind them).
  const [row] = await tx.$queryRaw<Array<{ queued: boolean }>>(
    Prisma.sql`WITH ${chainInStatementSql([{ event: input }], "queue")}
      SELECT EXISTS (SELECT 1 FROM audit_queued_behind) AS queued`,
  );
  if (row!.queued) appends.queued = true;
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
