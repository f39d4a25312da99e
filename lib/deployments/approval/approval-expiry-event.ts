import { SYSTEM_ACTOR, type AuditInput } from "../../audit/audit-input";
import type { ApprovalSubject } from "./approval-subject";

/** An approval as its expiry is recorded: which one, who gave it, for which hash, until when. */
export interface ExpiringApproval {
  id: string;
  hash: string;
  actorType: string;
  actorOid: string;
  actorName: string;
  expiresAt: Date;
}

/**
 * `approval.expire`, attributed to Portcullis itself, with the hash the approval was bound to
 * under the subject's key: one event per approval, whether the job or a decision's lazy check
 * (auditExpiredApprovals) finds it first.
 */
export function approvalExpiryEvent(
  subject: ApprovalSubject,
  targetId: string,
  approval: ExpiringApproval,
): AuditInput {
  return {
    actor: SYSTEM_ACTOR,
    action: "approval.expire",
    target: { type: subject.type, id: targetId },
    after: {
      [subject.hashKey]: approval.hash,
      approvalId: approval.id,
      approvedBy: { type: approval.actorType, oid: approval.actorOid, name: approval.actorName },
      expiresAt: approval.expiresAt.toISOString(),
    },
    outcome: "success",
  };
}
