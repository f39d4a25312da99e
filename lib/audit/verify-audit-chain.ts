import type { PrismaClient } from "../db";
import { chainWaitingEvents } from "./chain-sequencer";
import { ChainVerifier, type ChainVerification } from "./chain-verifier";
import { hashAuditEvent } from "./event-hash";
import { toCheckpoint } from "./sign-checkpoint";
import { toHashedFields } from "./stored-event";
import { checkSignatures } from "./trusted-keys";

export type { ChainVerification } from "./chain-verifier";

const BATCH = 1000;

/**
 * Walks the whole chain in order, recomputes every hash and checks every signed checkpoint
 * (chain-verifier.ts), then that the chain head points at the last event.
 */
export async function verifyAuditChain(db: PrismaClient): Promise<ChainVerification> {
  await chainWaitingEvents(db);
  const checkpoints = await db.auditCheckpoint.findMany({ orderBy: [{ seq: "asc" }, { id: "asc" }] });
  const verifier = new ChainVerifier(await checkSignatures(checkpoints.map(toCheckpoint)));
  let next = 1n;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gte: next } }, orderBy: { seq: "asc" }, take: BATCH });
    for (const row of rows) {
      if (!verifier.accept(row, hashAuditEvent(toHashedFields(row)))) return verifier.result();
      next = row.seq + 1n;
    }
    if (rows.length < BATCH) break;
  }
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  const { seq, hash } = verifier.end;
  return verifier.result(
    head?.lastHash === hash && head.lastSeq === seq
      ? undefined
      : "the chain head does not point at the last event: events are missing at the end",
  );
}
