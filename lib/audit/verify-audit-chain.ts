import type { PrismaClient } from "../db";
import { chainWaitingEvents } from "./chain-sequencer";
import { ChainVerifier, type ChainVerification } from "./chain-verifier";
import { eventBatches, hashOfRow, ROW_BATCH, yieldToEventLoop } from "./event-rows";
import { toCheckpoint } from "./sign-checkpoint";
import { checkSignatures } from "./trusted-keys";

export type { ChainVerification } from "./chain-verifier";

/** Events hashed between two turns of the event loop, so the next batch arrives meanwhile. */
const SLICE = 500;

/**
 * Walks the whole chain in order, recomputes every hash and checks every signed checkpoint
 * (chain-verifier.ts), then that the chain head points at the last event. The events stream in
 * keyset batches of raw rows (event-rows.ts); the next batch is fetched while this one is hashed.
 */
export async function verifyAuditChain(db: PrismaClient): Promise<ChainVerification> {
  await chainWaitingEvents(db);
  const checkpoints = await db.auditCheckpoint.findMany({ orderBy: [{ seq: "asc" }, { id: "asc" }] });
  const verifier = new ChainVerifier(await checkSignatures(checkpoints.map(toCheckpoint)));
  for await (const batch of eventBatches(db, { after: 0n }, ROW_BATCH)) {
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i]!;
      const event = { seq: BigInt(row[0]!), id: row[1]!, prevHash: row[16]!, hash: row[17]! };
      if (!verifier.accept(event, hashOfRow(row))) return verifier.result();
      if (i % SLICE === SLICE - 1) await yieldToEventLoop();
    }
  }
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  const { seq, hash } = verifier.end;
  return verifier.result(
    head?.lastHash === hash && head.lastSeq === seq
      ? undefined
      : "the chain head does not point at the last event: events are missing at the end",
  );
}
