import type { AuditEvent } from "../db/generated/client";
import type { HashedAuditFields } from "./event-hash";

/** The hashed view of a stored row: the exact inverse of what appendAuditEvent writes. */
export function toHashedFields(row: AuditEvent): HashedAuditFields {
  return {
    seq: row.seq.toString(),
    id: row.id,
    time: row.time.toISOString(),
    actor: { type: row.actorType, oid: row.actorOid, tid: row.actorTid, name: row.actorName },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    before: row.before ?? null,
    after: row.after ?? null,
    outcome: row.outcome,
    requestId: row.requestId,
    armCorrelationId: row.armCorrelationId,
    clientIp: row.clientIp,
    prevHash: row.prevHash,
  };
}

/** What the API and the export show of an event: every hashed field plus the hash. */
export type PublicAuditEvent = HashedAuditFields & { hash: string };

export function toPublicEvent(row: AuditEvent): PublicAuditEvent {
  return { ...toHashedFields(row), hash: row.hash };
}
