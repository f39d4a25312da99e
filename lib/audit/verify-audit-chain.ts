import type { PrismaClient } from "../db";
import { chainWaitingEvents } from "./chain-sequencer";
import { GENESIS_HASH, hashAuditEvent } from "./event-hash";
import { toHashedFields } from "./stored-event";

export interface ChainVerification {
  ok: boolean;
  eventsChecked: number;
  /** The hash of the last event: keep it outside Portcullis to detect a rewritten chain later. */
  headHash: string;
  /** The first event that does not fit, and why. */
  firstBad?: { seq: string; id: string; reason: string };
}

const BATCH = 1000;

/**
 * Walks the whole chain in order and recomputes every hash. An event fails when its stored
 * hash differs from the recomputed one (it was altered), when its prevHash is not the hash
 * of the event before (one was removed or inserted), when a sequence number is missing, or
 * when the chain head points elsewhere.
 */
export async function verifyAuditChain(db: PrismaClient): Promise<ChainVerification> {
  await chainWaitingEvents(db);
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1n;
  let checked = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { seq: { gte: expectedSeq } },
      orderBy: { seq: "asc" },
      take: BATCH,
    });
    for (const row of rows) {
      const bad = (reason: string): ChainVerification => ({
        ok: false,
        eventsChecked: checked,
        headHash: expectedPrev,
        firstBad: { seq: row.seq.toString(), id: row.id, reason },
      });
      if (row.seq !== expectedSeq)
        return bad(`sequence jumps from ${expectedSeq - 1n} to ${row.seq}: events are missing`);
      if (row.prevHash !== expectedPrev) return bad("its previous-hash does not match the event before it");
      if (hashAuditEvent(toHashedFields(row)) !== row.hash)
        return bad("its content does not match its hash: it was altered");
      expectedPrev = row.hash;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  if (!head || head.lastHash !== expectedPrev || head.lastSeq !== expectedSeq - 1n) {
    return {
      ok: false,
      eventsChecked: checked,
      headHash: expectedPrev,
      firstBad: {
        seq: head?.lastSeq.toString() ?? "?",
        id: "",
        reason: "the chain head does not point at the last event: events are missing at the end",
      },
    };
  }
  return { ok: true, eventsChecked: checked, headHash: expectedPrev };
}
