import type { JsonWebKey } from "node:crypto";
import { checkCheckpointSignature, type Checkpoint } from "./checkpoint";
import { ChainVerifier, type ChainVerification } from "./chain-verifier";
import { hashAuditEvent, type HashedAuditFields } from "./event-hash";

export interface ExportVerification extends ChainVerification {
  /** A filtered export holds only some events: each one's hash is checked, not the chain between them. */
  filtered: boolean;
  /** The export's own head (from its header) when the file says it. */
  headSeq: string | null;
}

/**
 * Verifies an NDJSON export offline (pure: lines in, verdict out; `portcullis audit verify`):
 * the header, the signed checkpoints with the given public keys, then every event's hash and the
 * chain. A whole export must end exactly at the head its last checkpoint signed. Throws an
 * Error naming the line for a file that is not an export.
 */
export async function verifyExport(
  lines: AsyncIterable<string>,
  keys: readonly JsonWebKey[],
): Promise<ExportVerification> {
  let lineNo = 0;
  let header: { filter: Record<string, unknown>; headSeq: string } | undefined;
  const checkpoints: Checkpoint[] = [];
  let verifier: ChainVerifier | undefined;
  let filtered = false;
  let lastSeq: bigint | null = null;
  let events = 0;
  let firstBad: ChainVerification["firstBad"];
  /** Filtered exports: the hash of each event present that a checkpoint signs. */
  const signedHashes = new Map<string, string>();

  for await (const raw of lines) {
    lineNo += 1;
    if (raw.trim() === "") continue;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      throw new Error(`line ${lineNo} is not JSON`);
    }
    if (lineNo === 1) {
      header = line.portcullisAuditExport as typeof header;
      if (!header || typeof header.headSeq !== "string")
        throw new Error("line 1 is not the header of a Portcullis audit export (NDJSON)");
      filtered = Object.keys(header.filter ?? {}).length > 0;
      continue;
    }
    if ("checkpoint" in line) {
      if (verifier || events > 0) throw new Error(`line ${lineNo}: checkpoints come before the events`);
      checkpoints.push(line.checkpoint as Checkpoint);
      continue;
    }
    const { hash, ...fields } = line as unknown as HashedAuditFields & { hash: string };
    if (typeof fields.seq !== "string" || typeof hash !== "string")
      throw new Error(`line ${lineNo} is not an audit event`);
    const recomputed = hashAuditEvent(fields);
    events += 1;
    const event = { seq: BigInt(fields.seq), id: fields.id, prevHash: fields.prevHash, hash };
    if (lastSeq !== null && event.seq <= lastSeq) throw new Error(`line ${lineNo}: events are not in chain order`);
    lastSeq = event.seq;
    if (filtered) {
      if (recomputed !== hash)
        firstBad ??= { seq: fields.seq, id: fields.id, reason: "its content does not match its hash: it was altered" };
      if (checkpoints.some((c) => c.seq === fields.seq)) signedHashes.set(fields.seq, hash);
      continue;
    }
    verifier ??= new ChainVerifier(checkedCheckpoints(checkpoints, keys));
    if (!verifier.accept(event, recomputed)) break;
  }
  if (!header) throw new Error("the file is empty");
  if (filtered) return filteredResult(header.headSeq, events, firstBad, checkpoints, signedHashes, keys);
  verifier ??= new ChainVerifier(checkedCheckpoints(checkpoints, keys));
  const end = verifier.end.seq.toString();
  const result = verifier.result(
    end === header.headSeq
      ? undefined
      : `the export's header says it ends at event ${header.headSeq}, but its events end at ${end}: events are missing at the end`,
  );
  return { ...result, filtered, headSeq: header.headSeq };
}

function checkedCheckpoints(checkpoints: readonly Checkpoint[], keys: readonly JsonWebKey[]) {
  return [...checkpoints]
    .sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0))
    .map((c) => ({ ...c, signatureCheck: checkCheckpointSignature(c, keys) }));
}

/** Without the events between them, only each event's own hash and the checkpoints of events present can be checked. */
function filteredResult(
  headSeq: string,
  events: number,
  firstBad: ChainVerification["firstBad"],
  checkpoints: readonly Checkpoint[],
  signedHashes: Map<string, string>,
  keys: readonly JsonWebKey[],
): ExportVerification {
  let checkpointBad: { seq: string; reason: string } | undefined;
  let trusted: Checkpoint | undefined;
  const present = checkedCheckpoints(checkpoints, keys).filter((c) => signedHashes.has(c.seq));
  for (const c of present) {
    const reason =
      c.signatureCheck === "unknown key"
        ? `it was signed by a key that is not trusted (${c.kid})`
        : c.signatureCheck === "invalid"
          ? "its signature does not verify"
          : c.headHash !== signedHashes.get(c.seq)
            ? `event ${c.seq} is not the one signed at ${c.time}`
            : undefined;
    if (reason) checkpointBad ??= { seq: c.seq, reason };
    else if (!checkpointBad) trusted = c;
  }
  return {
    ok: !firstBad && !checkpointBad,
    eventsChecked: events,
    headHash: "",
    ...(firstBad ? { firstBad } : {}),
    checkpoints: {
      checked: present.length,
      lastTrustworthySeq: trusted?.seq ?? "0",
      lastSignedAt: trusted?.time ?? null,
      unsignedEvents: 0,
      ...(checkpointBad ? { firstBad: checkpointBad } : {}),
    },
    filtered: true,
    headSeq,
  };
}
