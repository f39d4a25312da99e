import type { PrismaClient } from "../db";
import { chainWaitingEvents } from "./chain-sequencer";
import { ChainVerifier, type ChainVerification } from "./chain-verifier";
import { checkedRanges } from "./checked-ranges";
import { toCheckpoint } from "./sign-checkpoint";
import { checkSignatures } from "./trusted-keys";

export type { ChainVerification } from "./chain-verifier";

/**
 * Walks the whole chain in order, recomputes every hash and checks every signed checkpoint
 * (chain-verifier.ts), then that the chain head points at the last event. The database hashes
 * and links the events range by range (checked-ranges.ts) and sends only those the verifier must
 * see itself; the results are those of hashing every event here. `rangeSize`: sequence numbers
 * per query (tests make ranges small to cross their edges).
 */
export async function verifyAuditChain(
  db: PrismaClient,
  options: { rangeSize?: number } = {},
): Promise<ChainVerification> {
  await chainWaitingEvents(db);
  const checkpoints = await db.auditCheckpoint.findMany({ orderBy: [{ seq: "asc" }, { id: "asc" }] });
  const verifier = new ChainVerifier(await checkSignatures(checkpoints.map(toCheckpoint)));
  for await (const events of checkedRanges(db, [...new Set(checkpoints.map((c) => c.seq))], options.rangeSize)) {
    for (const event of events) {
      if (event.before) verifier.advance(event.before, event.inOrderBefore);
      if (!verifier.accept(event, event.recomputedHash)) return verifier.result();
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
