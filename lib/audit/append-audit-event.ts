import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../db";
import type { AuditInput } from "./audit-input";
import { hashAuditEvent, type HashedAuditFields } from "./event-hash";

type Tx = Prisma.TransactionClient;

/**
 * Appends one event to the hash chain inside the caller's transaction, so the change and
 * its event commit together or not at all. The row lock on audit_chain_head serialises
 * appends across app instances; it is held only for the rest of this short transaction.
 */
export async function appendAuditEvent(tx: Tx, input: AuditInput): Promise<HashedAuditFields & { hash: string }> {
  const [head] = await tx.$queryRaw<Array<{ last_seq: bigint; last_hash: string }>>`
    SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`;
  if (!head) throw new Error("audit_chain_head is missing: the database was not migrated");
  const seq = head.last_seq + 1n;
  const time = new Date();
  const fields: HashedAuditFields = {
    seq: seq.toString(),
    id: randomUUID(),
    time: time.toISOString(),
    actor: { type: input.actor.type, oid: input.actor.oid, tid: input.actor.tid || null, name: input.actor.name },
    action: input.action,
    target: input.target,
    before: jsonOrNull(input.before),
    after: jsonOrNull(input.after),
    outcome: input.outcome,
    requestId: input.requestId ?? null,
    armCorrelationId: input.armCorrelationId ?? null,
    clientIp: input.clientIp ?? null,
    prevHash: head.last_hash,
  };
  const hash = hashAuditEvent(fields);
  await tx.auditEvent.create({
    data: {
      seq,
      id: fields.id,
      time,
      actorType: fields.actor.type,
      actorOid: fields.actor.oid,
      actorTid: fields.actor.tid,
      actorName: fields.actor.name,
      action: fields.action,
      targetType: fields.target.type,
      targetId: fields.target.id,
      before: fields.before === null ? undefined : (fields.before as Prisma.InputJsonValue),
      after: fields.after === null ? undefined : (fields.after as Prisma.InputJsonValue),
      outcome: fields.outcome,
      requestId: fields.requestId,
      armCorrelationId: fields.armCorrelationId,
      clientIp: fields.clientIp,
      prevHash: fields.prevHash,
      hash,
    },
  });
  await tx.auditChainHead.update({ where: { id: 1 }, data: { lastSeq: seq, lastHash: hash } });
  return { ...fields, hash };
}

/** Runs `work` and appends its audit event in one transaction: both commit or neither. */
export async function runAudited<T>(
  db: PrismaClient,
  work: (tx: Tx) => Promise<T>,
  describe: (result: T) => AuditInput,
): Promise<T> {
  return db.$transaction(async (tx) => {
    const result = await work(tx);
    await appendAuditEvent(tx, describe(result));
    return result;
  });
}

/** Appends an event that is itself the record (a denial, a failed step), in its own transaction. */
export async function recordAuditEvent(db: PrismaClient, input: AuditInput): Promise<void> {
  await db.$transaction((tx) => appendAuditEvent(tx, input));
}

/** JSON round-trip so what we hash is exactly what jsonb stores (no undefined, no Dates). */
function jsonOrNull(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}
