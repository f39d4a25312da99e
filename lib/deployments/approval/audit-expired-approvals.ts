import { appendAuditEvent, auditedTransaction } from "../../audit/append-audit-event";
import type { PrismaClient } from "../../db";
import { approvalExpiryEvent } from "./approval-expiry-event";
import type { ApprovalState } from "./approval-rules";
import { PLAN_APPROVALS, type ApprovalSubject } from "./approval-subject";

/**
 * Writes `approval.expire` for each approval of the plan (or change set) that has expired and was not yet
 * recorded as such, once (expiry_audited_at), attributed to Portcullis itself. Called where the
 * approvals are weighed for a change (approve, reject, apply), so an expiry that decides an
 * outcome is in the history before that outcome.
 */
export async function auditExpiredApprovals(
  db: PrismaClient,
  plan: { id: string; approvals: Array<{ id: string; expiryAuditedAt: Date | null }> },
  state: ApprovalState & { hash: string },
  now: Date,
  subject: ApprovalSubject = PLAN_APPROVALS,
): Promise<void> {
  const unrecorded = new Set(plan.approvals.filter((row) => row.expiryAuditedAt === null).map((row) => row.id));
  const expired = state.decisions.filter(
    (decision) => decision.notCountedBecause === "expired" && unrecorded.has(decision.id),
  );
  if (expired.length === 0) return;
  await auditedTransaction(db, async (tx) => {
    for (const decision of expired) {
      // Conditional, so two requests at once record an expiry once.
      if (!(await subject.markRecorded(tx, decision.id, now))) continue;
      await appendAuditEvent(tx, approvalExpiryEvent(subject, plan.id, { ...decision, hash: decision.planHash }));
    }
  });
}
