import { appendAuditEvent, auditedTransaction } from "../../audit/append-audit-event";
import type { PrismaClient } from "../../db";
import { approvalExpiryEvent, type ExpiringApproval } from "./approval-expiry-event";
import type { ApprovalSubject } from "./approval-subject";

/** Approvals looked at per run and subject: a backlog is worked off over the next runs. */
export const EXPIRY_BATCH = 200;

/**
 * The scheduled expiry of approvals of change sets and settings changes (plans have their own,
 * which also announces it): each is marked (subject.markRecorded, conditional, so the job in
 * several processes and the lazy check at a decision record it once) and audited with its hash,
 * in one transaction. Returns how many expired now.
 */
export async function expireDueApprovals(
  db: PrismaClient,
  subject: ApprovalSubject,
  due: ReadonlyArray<ExpiringApproval & { targetId: string }>,
  now: Date,
): Promise<number> {
  let expired = 0;
  for (const approval of due) {
    const marked = await auditedTransaction(db, async (tx) => {
      if (!(await subject.markRecorded(tx, approval.id, now))) return false;
      await appendAuditEvent(tx, approvalExpiryEvent(subject, approval.targetId, approval));
      return true;
    });
    if (marked) expired += 1;
  }
  return expired;
}
