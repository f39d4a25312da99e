import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type PrismaClient } from "../db";
import { runInBackground } from "../db/background-work";
import { clientState } from "../db/client-state";
import type { AuditCheckpoint } from "../db/generated/client";
import { getConfig } from "../env";
import { log } from "../log";
import { publishEvent } from "../notifications/publish-event";
import { chainWaitingEvents } from "./chain-sequencer";
import { checkpointSigningInput, type Checkpoint } from "./checkpoint";
import { getCheckpointSigner } from "./signing/configured-signer";

/**
 * Signs the chain's current head (sequence, hash, time) and stores the checkpoint, which the
 * database accepts only for an existing event with that hash. Returns null on an empty chain.
 * Two instances signing at once store two checkpoints of nearly the same head: harmless.
 */
export async function signCheckpoint(db: PrismaClient): Promise<Checkpoint | null> {
  const signer = await getCheckpointSigner();
  await chainWaitingEvents(db);
  const head = await db.auditChainHead.findUnique({ where: { id: 1 } });
  if (!head || head.lastSeq === 0n) return null;
  const key = await signer.describe();
  const unsigned = {
    seq: head.lastSeq.toString(),
    headHash: head.lastHash,
    time: new Date().toISOString(),
    ...key,
  };
  const signature = (await signer.sign(checkpointSigningInput(unsigned), key)).toString("base64url");
  // The checkpoint and its announcement commit together: a copy of the signed head is sent out
  // (webhooks subscribed to audit.checkpoint) without anyone remembering to export it.
  return db.$transaction(async (tx) => {
    const stored = toCheckpoint(
      await tx.auditCheckpoint.create({
        data: { ...unsigned, seq: head.lastSeq, time: new Date(unsigned.time), signature },
      }),
    );
    await publishEvent(tx, {
      type: "audit.checkpoint",
      instanceId: null,
      data: { summary: `Audit history signed at event ${stored.seq} (head ${stored.headHash})`, ...stored },
    });
    return stored;
  });
}

/**
 * The scheduled job's use case (and what appends trigger by themselves): signs a checkpoint
 * when events came after the last one and either AUDIT_CHECKPOINT_EVENTS of them did, or
 * AUDIT_CHECKPOINT_MINUTES passed since the last checkpoint (or since the first unsigned event).
 */
export async function signCheckpointIfDue(ctx: RequestContext, input: { now: Date }): Promise<Checkpoint | null> {
  await authorize(ctx, "audit.read");
  const db = getDb();
  await chainWaitingEvents(db);
  return (await checkpointDue(db, input.now)) ? signCheckpoint(db) : null;
}

async function checkpointDue(db: PrismaClient, now: Date): Promise<boolean> {
  const { checkpointEvents, checkpointMinutes } = getConfig().audit;
  const [head, last] = await Promise.all([
    db.auditChainHead.findUnique({ where: { id: 1 } }),
    db.auditCheckpoint.findFirst({ orderBy: { seq: "desc" }, select: { seq: true, time: true } }),
  ]);
  const signedSeq = last?.seq ?? 0n;
  if (!head || head.lastSeq <= signedSeq) return false;
  if (head.lastSeq - signedSeq >= BigInt(checkpointEvents)) return true;
  const since =
    last?.time ??
    (await db.auditEvent.findUnique({ where: { seq: signedSeq + 1n }, select: { time: true } }))?.time ??
    now;
  return now.getTime() - since.getTime() >= checkpointMinutes * 60_000;
}

/**
 * After appends of `events` events: sign in the background when due, looking once per
 * CHECK_EVERY events this process appended and one check at a time, never delaying or failing
 * the change that triggered it (a failure is logged; the next append or the scheduled job tries
 * again). Closing the database waits for it (lib/db/background-work.ts).
 */
export function signCheckpointInBackground(db: PrismaClient, events: number): void {
  const state = clientState<BackgroundState>(db, "checkpointInBackground", () => ({ running: false, unchecked: 0 }));
  state.unchecked += events;
  if (state.running || state.unchecked < CHECK_EVERY) return;
  state.running = true;
  state.unchecked = 0;
  runInBackground(
    db,
    checkpointDue(db, new Date())
      .then((due) => (due ? signCheckpoint(db) : null))
      .then(() => undefined)
      .catch((error: unknown) => log.error({ err: error }, "could not sign an audit checkpoint"))
      .finally(() => (state.running = false)),
  );
}

/** Looking whether a checkpoint is due costs two reads: once per this many events is enough. */
const CHECK_EVERY = 50;
type BackgroundState = { running: boolean; unchecked: number };

export function toCheckpoint(row: AuditCheckpoint): Checkpoint {
  return {
    seq: row.seq.toString(),
    headHash: row.headHash,
    time: row.time.toISOString(),
    alg: row.alg,
    kid: row.kid,
    signature: row.signature,
  };
}
