import type { Checkpoint, SignatureCheck } from "./checkpoint";
import { GENESIS_HASH } from "./event-hash";

export interface ChainVerification {
  /** The chain is unbroken and every checkpoint holds. */
  ok: boolean;
  eventsChecked: number;
  /** The hash of the last event checked. */
  headHash: string;
  /** The first event that does not fit, and why. */
  firstBad?: { seq: string; id: string; reason: string };
  checkpoints: {
    checked: number;
    /** Events up to here match a checkpoint signed with a trusted key: a rewrite up to here would show. */
    lastTrustworthySeq: string;
    lastSignedAt: string | null;
    /** Events after the last trustworthy checkpoint (not yet covered by a signature). */
    unsignedEvents: number;
    /** The first checkpoint that does not hold, and why. */
    firstBad?: { seq: string; reason: string };
  };
}

export type CheckedCheckpoint = Checkpoint & { signatureCheck: SignatureCheck };

export interface ChainEvent {
  seq: bigint;
  id: string;
  prevHash: string;
  hash: string;
}

/**
 * Walks a chain in order, event by event, without keeping the events (pure: the database's
 * verification and the CLI's offline one share it). An event fails when its sequence number
 * skips (events missing), its previous hash is not the hash before it (one removed or inserted)
 * or its recomputed hash differs from its stored one (altered). Checkpoints are checked where
 * the chain reaches them; trust ends at the first one whose signature does not verify with a
 * trusted key or whose hash is not the chain's hash there (history rewritten, hashes and all).
 */
export class ChainVerifier {
  private expectedSeq = 1n;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private firstBad?: ChainVerification["firstBad"];
  private checkpointBad?: { seq: string; reason: string };
  private trusted: CheckedCheckpoint | undefined;
  private nextCheckpoint = 0;

  /** `checkpoints` in sequence order. */
  constructor(private readonly checkpoints: readonly CheckedCheckpoint[]) {}

  /** Checks the next event; false once the chain is broken (stop feeding). */
  accept(event: ChainEvent, recomputedHash: string): boolean {
    if (this.firstBad) return false;
    if (event.seq !== this.expectedSeq)
      return this.broken(event, `sequence jumps from ${this.expectedSeq - 1n} to ${event.seq}: events are missing`);
    if (event.prevHash !== this.prevHash)
      return this.broken(event, "its previous-hash does not match the event before it");
    if (recomputedHash !== event.hash) return this.broken(event, "its content does not match its hash: it was altered");
    this.prevHash = event.hash;
    this.expectedSeq += 1n;
    this.checked += 1;
    while (this.nextCheckpoint < this.checkpoints.length) {
      const checkpoint = this.checkpoints[this.nextCheckpoint]!;
      if (BigInt(checkpoint.seq) !== event.seq) break;
      this.nextCheckpoint += 1;
      this.judge(checkpoint, event.hash);
    }
    return true;
  }

  /**
   * Takes `events` events, up to and including `through`, as checked elsewhere: the database
   * found each one continuing the chain and matching its hash (checked-ranges.ts). None of them
   * may carry a checkpoint: those come one by one through accept.
   */
  advance(through: { seq: bigint; hash: string }, events: number): void {
    const checkpoint = this.checkpoints[this.nextCheckpoint];
    if (
      this.firstBad ||
      through.seq !== this.expectedSeq - 1n + BigInt(events) ||
      (checkpoint && BigInt(checkpoint.seq) <= through.seq)
    )
      throw new Error(`audit verification: events up to ${through.seq} cannot be taken as checked here`);
    this.prevHash = through.hash;
    this.expectedSeq = through.seq + 1n;
    this.checked += events;
  }

  /** The last event accepted (sequence 0 and the genesis hash before the first). */
  get end(): { seq: bigint; hash: string } {
    return { seq: this.expectedSeq - 1n, hash: this.prevHash };
  }

  /** The result; `headProblem` is a reason the stored head does not point at the last event. */
  result(headProblem?: string): ChainVerification {
    if (!this.firstBad && headProblem)
      this.firstBad = { seq: (this.expectedSeq - 1n).toString(), id: "", reason: headProblem };
    const end = this.expectedSeq - 1n;
    // Checkpoints of events beyond the end: the chain was cut short after they were signed.
    for (const checkpoint of this.checkpoints.slice(this.nextCheckpoint)) {
      if (this.firstBad) break;
      this.fail(checkpoint, `it signs event ${checkpoint.seq}, but the chain ends at ${end}: events were removed`);
    }
    const trustedSeq = BigInt(this.trusted?.seq ?? "0");
    return {
      ok: !this.firstBad && !this.checkpointBad,
      eventsChecked: this.checked,
      headHash: this.prevHash,
      ...(this.firstBad ? { firstBad: this.firstBad } : {}),
      checkpoints: {
        checked: this.nextCheckpoint,
        lastTrustworthySeq: trustedSeq.toString(),
        lastSignedAt: this.trusted?.time ?? null,
        unsignedEvents: Number(end - trustedSeq),
        ...(this.checkpointBad ? { firstBad: this.checkpointBad } : {}),
      },
    };
  }

  private broken(event: ChainEvent, reason: string): false {
    this.firstBad = { seq: event.seq.toString(), id: event.id, reason };
    return false;
  }

  private judge(checkpoint: CheckedCheckpoint, hash: string): void {
    if (checkpoint.signatureCheck === "unknown key")
      return this.fail(checkpoint, `it was signed by a key that is not trusted (${checkpoint.kid})`);
    if (checkpoint.signatureCheck === "invalid") return this.fail(checkpoint, "its signature does not verify");
    if (checkpoint.headHash !== hash)
      return this.fail(
        checkpoint,
        `the chain's hash at event ${checkpoint.seq} is not the one signed at ${checkpoint.time}: events up to ${checkpoint.seq} were rewritten`,
      );
    if (!this.checkpointBad) this.trusted = checkpoint;
  }

  private fail(checkpoint: CheckedCheckpoint, reason: string): void {
    this.checkpointBad ??= { seq: checkpoint.seq, reason };
  }
}
