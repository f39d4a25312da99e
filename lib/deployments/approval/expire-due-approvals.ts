import { appendAuditEvent, auditedTransaction } from "../../audit/append-audit-event";
import type { PrismaClient } from "../../db";
import { publishEvent, type PublishedEvent } from "../../notifications/publish-event";
import { approvalExpiryEvent, type ExpiringApproval } from "./approval-expiry-event";
import type { ApprovalSubject } from "./approval-subject";

/** Approvals looked at per run and subject: a backlog is worked off over the next runs. */
export const EXPIRY_BATCH = 200;

/** An approval past its lifetime, what it approved, and what its expiry tells the webhooks. */
export interface DueApproval extends ExpiringApproval {
  targetId: string;
  announced: Omit<PublishedEvent, "type">;
}

/**
 * The scheduled expiry of approvals (job `approval-expiry`) of plans, change sets and settings
 * changes alike: each is marked (subject.markRecorded, conditional, so the job in several
 * processes and the lazy check at a decision record it once), audited with its hash and
 * announced to the webhooks (`approval.expired`), in one transaction. Approvers and authors learn
 * that something needs approving again when it happens, not when someone next tries to apply it.
 * Returns how many expired now.
 */
export async function expireDueApprovals(
  db: PrismaClient,
  subject: ApprovalSubject,
  due: readonly DueApproval[],
  now: Date,
): Promise<number> {
  let expired = 0;
  for (const approval of due) {
    const marked = await auditedTransaction(db, async (tx) => {
      if (!(await subject.markRecorded(tx, approval.id, now))) return false;
      await appendAuditEvent(tx, approvalExpiryEvent(subject, approval.targetId, approval));
      await publishEvent(tx, { type: "approval.expired", ...approval.announced }, now);
      return true;
    });
    if (marked) expired += 1;
  }
  return expired;
}
