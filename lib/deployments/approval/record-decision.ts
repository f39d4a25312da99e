import { appendAuditEvent, auditedTransaction, type AuditTx } from "../../audit/append-audit-event";
import type { RequestContext } from "../../auth/request-context";
import type { PrismaClient } from "../../db";
import { AppError } from "../../errors";
import { decisionEvent, decisionRow, type ApprovalDecision } from "./approval-decision";
import { approvalRefusal, type ApprovalSettings, type PlanAuthor } from "./approval-rules";
import type { Contributor } from "./contributors";
import type { ApprovalSubject } from "./approval-subject";

/**
 * Refuses a decision made on other content than the subject holds now: the decider read it
 * with the hash `reviewed` (when they say), and anything that would change what they approve
 * changes the hash.
 */
export function assertReviewed(subject: ApprovalSubject, reviewed: string | undefined, hash: string): void {
  if (reviewed !== undefined && reviewed !== hash)
    throw new AppError(
      "conflict",
      `This ${subject.noun} is not the one you reviewed (its hash differs): read it again before deciding.`,
      { details: { [subject.hashKey]: hash } },
    );
}

/**
 * How a decision on a plan, a change set or a settings change is recorded once the subject's own
 * checks have passed (they differ: an applied plan, a set being applied, an expired settings
 * change): an approval that could never count (the author's own; one by a `contributors`' writer of
 * what it brings; automation's where `settings` do not accept it) is refused, with a denied audit
 * event, rather than recorded; otherwise the
 * decision's row (`insert`, into the subject's own approvals table) and its audit event commit
 * together, with `alsoInTransaction` (a settings change applies with the approval that completes it).
 */
export async function recordDecision(
  db: PrismaClient,
  ctx: RequestContext,
  input: ApprovalDecision,
  decided: {
    subject: ApprovalSubject;
    target: { id: string; hash: string };
    author: PlanAuthor;
    /** Who wrote the inputs it brings (read-plan-contributors.ts); none for a settings change. */
    contributors?: readonly Contributor[];
    settings: ApprovalSettings & { approvalLifetimeHours: number };
    now: Date;
    insert: (tx: AuditTx, row: ReturnType<typeof decisionRow>) => Promise<unknown>;
    alsoInTransaction?: (tx: AuditTx) => Promise<void>;
  },
): Promise<void> {
  const { subject, target } = decided;
  const event = (outcome: "success" | "denied") => decisionEvent(ctx, input, subject, target, outcome);
  const refusal =
    input.decision === "approved"
      ? approvalRefusal(decided.settings, decided.author, ctx.actor, {
          contributors: decided.contributors,
          noun: subject.noun,
        })
      : null;
  if (refusal) {
    await auditedTransaction(db, (tx) => appendAuditEvent(tx, event("denied")));
    throw refusal.code === "approver-contributed"
      ? new AppError(refusal.code, refusal.message, { details: { contributed: refusal.contributed } })
      : new AppError(refusal.code, refusal.message);
  }
  await auditedTransaction(db, async (tx) => {
    await decided.insert(tx, decisionRow(ctx, input, decided.now, decided.settings.approvalLifetimeHours));
    await appendAuditEvent(tx, event("success"));
    await decided.alsoInTransaction?.(tx);
  });
}
