import type { PrismaClient } from "../db";
import type { AuditEvent, AuditPending } from "../db/generated/client";
import { hashAuditEvent } from "./event-hash";
import { toHashedFields } from "./stored-event";

/** Events chained per transaction; a longer queue is chained in several. */
const BATCH = 500;
/** Serialises sequencers across every Portcullis instance on one database (pg_advisory_xact_lock). */
const CHAIN_LOCK_KEY = 7_271_900_001n;

/**
 * Group commit (README, "Appending: group commit"). Every transaction that recorded events
 * calls this after it committed; the returned promise settles once a chaining run that started
 * after that commit has finished, so the caller's events are in the chain. While one run is in
 * progress, everyone arriving joins the single next run: many appenders' events are chained in
 * one short critical section instead of each holding the chain head through its transaction.
 * `committed`: the caller has just committed events of its own, so the run need not first look
 * whether any wait (one statement less per append; readers leave it false).
 */
export function chainWaitingEvents(db: PrismaClient, options: { committed?: boolean } = {}): Promise<ChainedHead> {
  let sequencer = sequencers.get(db);
  if (!sequencer) {
    sequencer = new Sequencer(db);
    sequencers.set(db, sequencer);
  }
  return sequencer.flush(options.committed ?? false);
}

/** The sequence number of the last event this process chained in the run, or null when it chained none. */
export type ChainedHead = bigint | null;

const sequencers = new WeakMap<PrismaClient, Sequencer>();

class Sequencer {
  private running: Promise<ChainedHead> | null = null;
  private next: Promise<ChainedHead> | null = null;
  /** Someone joining the next run has committed events of its own: it need not look first. */
  private nextCommitted = false;

  constructor(private readonly db: PrismaClient) {}

  flush(committed: boolean): Promise<ChainedHead> {
    if (this.next) {
      this.nextCommitted ||= committed;
      return this.next;
    }
    if (!this.running) return this.start(committed);
    this.nextCommitted = committed;
    this.next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start(this.nextCommitted);
      });
    return this.next;
  }

  private start(committed: boolean): Promise<ChainedHead> {
    const run = this.drain(committed).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async drain(committed: boolean): Promise<ChainedHead> {
    let head: ChainedHead = null;
    for (let look = !committed; ; look = true) {
      const batch = await chainBatch(this.db, look);
      if (batch.chained > 0) head = batch.headSeq;
      if (batch.chained < BATCH) return head;
    }
  }
}

/**
 * One critical section: under the chain lock, the oldest waiting events (in the order they were
 * recorded; every one visible here has committed) get the next sequence numbers, the previous
 * hashes and their own hashes, are inserted into audit_events (whose trigger checks each one
 * against the head and moves it) and leave the queue, all in one transaction.
 */
async function chainBatch(db: PrismaClient, look: boolean): Promise<{ chained: number; headSeq: bigint }> {
  const none = { chained: 0, headSeq: 0n };
  // Looking first (one read) spares a transaction when nothing waits, the common case for readers.
  if (look && (await db.auditPending.findFirst({ select: { id: true } })) === null) return none;
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT pg_advisory_xact_lock(${CHAIN_LOCK_KEY})::text`;
      const waiting = await tx.auditPending.findMany({ orderBy: { id: "asc" }, take: BATCH });
      if (waiting.length === 0) return none;
      const head = await tx.auditChainHead.findUnique({ where: { id: 1 } });
      if (!head) throw new Error("audit_chain_head is missing: the database was not migrated");
      let seq = head.lastSeq;
      let prevHash = head.lastHash;
      let lastTime = head.lastTime;
      const events = waiting.map((pending) => {
        seq += 1n;
        // Times never go backwards along the chain (the insert trigger insists): an event recorded
        // a moment before one chained ahead of it takes that one's time.
        const time = lastTime !== null && pending.time < lastTime ? lastTime : pending.time;
        const event = toEvent(pending, seq, time, prevHash);
        prevHash = event.hash;
        lastTime = time;
        return event;
      });
      await tx.auditEvent.createMany({
        data: events.map((e) => ({ ...e, before: e.before ?? undefined, after: e.after ?? undefined })),
      });
      await tx.auditPending.deleteMany({ where: { id: { in: waiting.map((p) => p.id) } } });
      return { chained: waiting.length, headSeq: seq };
      // A busy pool must not make committed events wait for the next append: wait longer for a connection.
    },
    { maxWait: 15_000, timeout: 30_000 },
  );
}

function toEvent(pending: AuditPending, seq: bigint, time: Date, prevHash: string): AuditEvent {
  const { id: _queued, eventId, ...fields } = pending;
  const unhashed = { ...fields, seq, id: eventId, time, prevHash, hash: "" };
  return { ...unhashed, hash: hashAuditEvent(toHashedFields(unhashed)) };
}
