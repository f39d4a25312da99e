import { Prisma, type PrismaClient } from "../db";
import { clientState } from "../db/client-state";
import { driverSqlOf } from "../db/driver-sql";
import { canonicalJsonText, hashOfRow, isoTimeOf } from "./event-rows";
import { chainedEventsSql } from "./event-sql";

/** Events chained per run; a longer queue is chained in several. */
const BATCH = 500;
/**
 * Runs that find the head moved by another instance's sequencer between their read and their
 * move, in a row, before the error is given up on (the events wait for the next run).
 */
const ATTEMPTS = 20;

/**
 * How long a run for callers that do not wait for it (chainWaitingEventsSoon) waits before it
 * starts: the events that concurrent statements commit meanwhile join the same run. In an apply of
 * 200 APIs, 16 at a time, on PostgreSQL, a run started at each such commit was 1.1 statements per
 * API; waiting 20 ms, 0.3; 50 or 100 ms, 0.1 (bench/README.md, apply, `chainsoon`).
 */
export const BACKGROUND_CHAIN_DELAY_MS = 50;

/**
 * Group commit (README, "Appending: group commit"). Every transaction that recorded events
 * calls this after it committed; the returned promise settles once a chaining run that started
 * after that commit has finished, so the caller's events are in the chain. While one run is in
 * progress, everyone arriving joins the single next run: many appenders' events are chained in
 * one short critical section instead of each holding the chain head through its transaction.
 */
export function chainWaitingEvents(db: PrismaClient): Promise<ChainedHead> {
  return sequencerOf(db).flush();
}

/**
 * chainWaitingEvents for a caller that does not wait for it (auditedStatement's `chain:
 * "background"`): the run starts BACKGROUND_CHAIN_DELAY_MS after the first such call, or as soon
 * as anyone starts one meanwhile, and every caller until then joins it. Settles as
 * chainWaitingEvents does, once that run has finished.
 */
export function chainWaitingEventsSoon(db: PrismaClient): Promise<ChainedHead> {
  return sequencerOf(db).soon();
}

/** One per client in the process, whichever copy of lib/ appends (lib/db/client-state.ts). */
function sequencerOf(db: PrismaClient): Sequencer {
  return clientState(db, "chainSequencer", () => new Sequencer(db));
}

/** The sequence number of the last event this process chained in the run, or null when it chained none. */
export type ChainedHead = bigint | null;

class Sequencer {
  private running: Promise<ChainedHead> | null = null;
  private next: Promise<ChainedHead> | null = null;
  /** A run asked for soon (above): the next one to start settles it. */
  private delayed: {
    settled: Promise<ChainedHead>;
    timer: NodeJS.Timeout;
    startedAs(run: Promise<ChainedHead>): void;
  } | null = null;

  constructor(private readonly db: PrismaClient) {}

  soon(): Promise<ChainedHead> {
    if (this.delayed) return this.delayed.settled;
    // One is already due to start once the current run ends.
    if (this.next) return this.next;
    let startedAs!: (run: Promise<ChainedHead>) => void;
    const settled = new Promise<ChainedHead>((resolve) => (startedAs = resolve));
    // Its failure is the run's, which its callers get; the timer itself has nobody to tell.
    const timer = setTimeout(() => this.flush().catch(() => undefined), BACKGROUND_CHAIN_DELAY_MS);
    this.delayed = { settled, timer, startedAs };
    return settled;
  }

  flush(): Promise<ChainedHead> {
    if (this.next) return this.next;
    if (!this.running) return this.start();
    this.next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<ChainedHead> {
    const run = this.drain().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    // It starts after every commit whose caller asked for a run soon: theirs is this one.
    if (this.delayed) {
      clearTimeout(this.delayed.timer);
      this.delayed.startedAs(run);
      this.delayed = null;
    }
    return run;
  }

  private async drain(): Promise<ChainedHead> {
    let head: ChainedHead = null;
    let jsonbNext = false;
    for (let attempt = 1; ;) {
      const batch: Batch | null = await (jsonbNext ? chainJsonbBatch : chainBatch)(this.db).catch((error: unknown) => {
        if (!headMoved(error) || attempt >= ATTEMPTS) throw error;
        attempt += 1;
        return null;
      });
      if (batch === null) continue;
      attempt = 1;
      if (batch.chained > 0) head = batch.headSeq;
      if (!batch.more) return head;
      jsonbNext = batch.jsonbNext;
    }
  }
}

/** What a chaining run did. */
interface Batch {
  chained: number;
  /** The sequence number of the last event chained (when any). */
  headSeq: bigint;
  /** More events may wait: run again. */
  more: boolean;
  /** The next waiting event has no canonical text (queued as jsonb): chainJsonbBatch chains it. */
  jsonbNext: boolean;
}

/**
 * The insert trigger refused an event because the head is no longer where the run read it:
 * another instance's sequencer chained events between this run's read and its move.
 */
function headMoved(error: unknown): boolean {
  return (
    error instanceof Error && /audit event( \d+)? refused: its (sequence is|previous hash is not)/.test(error.message)
  );
}

/** Every statement of a run has one text, whatever the batch (the batch is the database's, or arrays). */
const PREPARED = { prepared: true } as const;

/** The digest's columns of a waiting event `w` as the chain stores it (EVENT_DIGEST_SQL reads them from `e`). */
const WAITING_EVENT_COLUMNS = `w.event_id AS id, w.actor_type, w.actor_oid, w.actor_tid, w.actor_name, w."action",
  w.target_type, w.target_id, w.before_canonical, w.after_canonical, w.outcome, w.request_id, w.arm_correlation_id,
  w.client_ip`;

/**
 * One chaining run in ONE statement, for events queued with the canonical text of their
 * before/after (every event but those chainJsonbBatch is for): it reads the oldest waiting events
 * (in the order they were recorded; every one visible has committed) and the head, gives each in
 * turn the next sequence number, the previous hash, a time never before the previous one's and its
 * own hash — computed by the database (EVENT_DIGEST_SQL, the canonical text verification builds,
 * byte for byte the application's) in a recursive item, one event after the other — and moves
 * them from the queue into audit_events (`DELETE … RETURNING` feeding the `INSERT`: atomic, all of
 * them or none). Events after the first one queued as jsonb wait for chainJsonbBatch. The insert
 * trigger locks the head and checks every event continues it, so if another instance's sequencer
 * moved the head after this statement's snapshot, the whole statement is refused, nothing
 * changes, and drain runs it again. Nothing is sent to the application and back: one round trip.
 */
async function chainBatch(db: PrismaClient): Promise<Batch> {
  const [row] = await driverSqlOf(db).query<{
    chained: number;
    headSeq: string | null;
    waited: number;
    jsonbNext: boolean;
  }>(
    Prisma.sql`
    WITH RECURSIVE waiting AS (
      SELECT * FROM audit_pending ORDER BY id LIMIT ${BATCH}::int
    ),
    ready AS (
      SELECT row_number() OVER (ORDER BY id) AS n, * FROM waiting
      WHERE id < (SELECT COALESCE(min(id), ${Number.MAX_SAFE_INTEGER}::bigint) FROM waiting WHERE before_canonical IS NULL)
    ),
    ${Prisma.raw(chainedEventsSql("ready", WAITING_EVENT_COLUMNS))},
    moved AS (
      DELETE FROM audit_pending p USING chained c JOIN ready w ON w.n = c.n
      WHERE p.id = w.id
      RETURNING c.seq, p.event_id, c."time", p.actor_type, p.actor_oid, p.actor_tid, p.actor_name, p.action,
        p.target_type, p.target_id, p.before_canonical, p.after_canonical, p.outcome, p.request_id,
        p.arm_correlation_id, p.client_ip, c.prev_hash, c.hash
    ),
    appended AS (
      INSERT INTO audit_events (seq, id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
        target_id, before_canonical, after_canonical, outcome, request_id, arm_correlation_id, client_ip, prev_hash, hash)
      SELECT * FROM moved ORDER BY seq
      RETURNING seq
    )
    SELECT (SELECT count(*) FROM appended)::int AS chained, (SELECT max(seq) FROM appended)::text AS "headSeq",
      (SELECT count(*) FROM waiting)::int AS waited,
      EXISTS (SELECT 1 FROM waiting WHERE before_canonical IS NULL) AS "jsonbNext"`,
    PREPARED,
  );
  if (!row) throw new Error("audit chain: the chaining statement returned no row");
  return {
    chained: row.chained,
    headSeq: row.headSeq === null ? 0n : BigInt(row.headSeq),
    // Nothing chained and nothing queued as jsonb next: no progress to make (e.g. no head row).
    more: (row.chained > 0 && row.waited === BATCH) || row.jsonbNext,
    jsonbNext: row.jsonbNext,
  };
}

/** A waiting event as chainJsonbBatch reads it, with the chain's head on every row (int8 and times as text). */
interface WaitingRow {
  headSeq: string;
  headHash: string;
  /** The last chained event's time, epoch milliseconds; null before the first event. */
  headMs: string | null;
  /** Null when nothing waits (the head's row alone). */
  pendingId: string | null;
  eventId: string;
  ms: string;
  actorType: string;
  actorOid: string;
  actorTid: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string;
  before: string | null;
  after: string | null;
  outcome: string;
  requestId: string | null;
  armCorrelationId: string | null;
  clientIp: string | null;
}

/**
 * One chaining run that also takes events queued as jsonb (their canonical text is made and
 * hashed here, as for every event before migration 20261211100000_audit_pending_canonical): two
 * statements sent straight to the driver (lib/db/driver-sql.ts), no transaction and no lock held
 * between them: read the oldest waiting events (in the order they
 * were recorded; every one visible has committed) with the head, give each the next sequence
 * number, the previous hash and its own hash, then move them from the queue into audit_events in
 * one statement (atomic: all of them or none). The insert trigger locks the head and checks
 * every event continues it, so if another instance's sequencer moved the head in between, the
 * whole move is refused, nothing changes, and drain reads again (optimistic: within a process
 * runs never overlap, so this only happens across instances). An event's columns never leave
 * the database to come back: the move copies them; the app adds the sequence, time and hashes.
 */
async function chainJsonbBatch(db: PrismaClient): Promise<Batch> {
  const query = driverSqlOf(db).query;
  const rows = await query<WaitingRow>(
    Prisma.sql`
    SELECT h.last_seq::text AS "headSeq", h.last_hash AS "headHash",
      (extract(epoch FROM h.last_time) * 1000)::bigint::text AS "headMs",
      p.id::text AS "pendingId", p.event_id::text AS "eventId", (extract(epoch FROM p.time) * 1000)::bigint::text AS ms,
      p.actor_type AS "actorType", p.actor_oid AS "actorOid", p.actor_tid AS "actorTid", p.actor_name AS "actorName",
      p.action, p.target_type AS "targetType", p.target_id AS "targetId",
      COALESCE(p.before_canonical, p.before::text) AS before, COALESCE(p.after_canonical, p.after::text) AS after,
      p.outcome, p.request_id AS "requestId", p.arm_correlation_id AS "armCorrelationId", p.client_ip AS "clientIp"
    FROM audit_chain_head h
    LEFT JOIN LATERAL (SELECT * FROM audit_pending ORDER BY id LIMIT ${BATCH}) p ON TRUE
    WHERE h.id = 1
    ORDER BY p.id`,
    PREPARED,
  );
  const head = rows[0];
  if (!head) throw new Error("audit_chain_head is missing: the database was not migrated");
  if (head.pendingId === null) return { chained: 0, headSeq: 0n, more: false, jsonbNext: false };
  let seq = BigInt(head.headSeq);
  let prevHash = head.headHash;
  let lastMs = head.headMs === null ? null : Number(head.headMs);
  const chained = rows.map((row) => {
    seq += 1n;
    // Times never go backwards along the chain (the insert trigger insists): an event recorded
    // a moment before one chained ahead of it takes that one's time.
    const ms = lastMs !== null && Number(row.ms) < lastMs ? lastMs : Number(row.ms);
    // The hash verification computes from the stored row (event-rows.ts), from the row as it will be stored.
    const hash = hashOfRow([
      seq.toString(),
      row.eventId,
      String(ms),
      row.actorType,
      row.actorOid,
      row.actorTid,
      row.actorName,
      row.action,
      row.targetType,
      row.targetId,
      row.before,
      row.after,
      row.outcome,
      row.requestId,
      row.armCorrelationId,
      row.clientIp,
      prevHash,
      null,
    ]);
    // The only stored before/after: the database derives their jsonb from it (README, "Verifying in the database").
    const event = {
      pendingId: row.pendingId!,
      seq: seq.toString(),
      time: isoTimeOf(String(ms)),
      prevHash,
      hash,
      beforeCanonical: canonicalJsonText(row.before),
      afterCanonical: canonicalJsonText(row.after),
    };
    prevHash = hash;
    lastMs = ms;
    return event;
  });
  const column = <K extends keyof (typeof chained)[number]>(key: K) => chained.map((event) => event[key]);
  await query(
    Prisma.sql`
      WITH chained AS (
        SELECT * FROM unnest(${column("pendingId")}::bigint[], ${column("seq")}::bigint[], ${column("time")}::timestamptz[],
          ${column("prevHash")}::text[], ${column("hash")}::text[], ${column("beforeCanonical")}::text[],
          ${column("afterCanonical")}::text[]) AS c (pending_id, seq, "time", prev_hash, hash, before_canonical, after_canonical)
      ),
      moved AS (
        DELETE FROM audit_pending p USING chained c WHERE p.id = c.pending_id
        RETURNING c.seq, p.event_id, c."time", p.actor_type, p.actor_oid, p.actor_tid, p.actor_name, p.action,
          p.target_type, p.target_id, c.before_canonical, c.after_canonical, p.outcome, p.request_id,
          p.arm_correlation_id, p.client_ip, c.prev_hash, c.hash
      )
      INSERT INTO audit_events (seq, id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
        target_id, before_canonical, after_canonical, outcome, request_id, arm_correlation_id, client_ip, prev_hash, hash)
      SELECT * FROM moved ORDER BY seq`,
    PREPARED,
  );
  return { chained: chained.length, headSeq: seq, more: chained.length === BATCH, jsonbNext: false };
}
