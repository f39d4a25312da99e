import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../db";
import { log } from "../log";
import type { AuditInput } from "./audit-input";
import { chainWaitingEvents } from "./chain-sequencer";
import { signCheckpointInBackground } from "./sign-checkpoint";

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
  const result = await db.$transaction((tx) => work(tx as AuditTx));
  try {
    const head = await chainWaitingEvents(db);
    if (head !== null) signCheckpointInBackground(db, head);
  } catch (error) {
    // The change and its event are committed; the event waits in audit_pending and joins the
    // chain with the next append, read or start. Failing here would invite a retry of a change
    // that happened.
    log.error({ err: error }, "audit events committed but not yet chained; the next append will chain them");
  }
  return result;
}

/**
 * Records one event inside the caller's audited transaction. It waits in `audit_pending`
 * (no lock shared with unrelated changes) until it is given its place in the chain.
 */
export async function appendAuditEvent(tx: AuditTx, input: AuditInput): Promise<void> {
  const before = jsonOrUndefined(input.before);
  const after = jsonOrUndefined(input.after);
  await tx.auditPending.create({
    data: {
      eventId: randomUUID(),
      time: new Date(),
      actorType: input.actor.type,
      actorOid: input.actor.oid,
      actorTid: input.actor.tid || null,
      actorName: input.actor.name,
      action: input.action,
      targetType: input.target.type,
      targetId: input.target.id,
      before,
      after,
      outcome: input.outcome,
      requestId: input.requestId ?? null,
      armCorrelationId: input.armCorrelationId ?? null,
      clientIp: input.clientIp ?? null,
    },
  });
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

/**
 * JSON round-trip so what is hashed is exactly what jsonb stores (no undefined, no Dates);
 * absent and null are both stored as SQL NULL and hashed as null.
 */
function jsonOrUndefined(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  const plain = JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue | null;
  return plain === null ? undefined : plain;
}
