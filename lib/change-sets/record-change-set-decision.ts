import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decisionEvent, decisionRow, type ApprovalDecision } from "../deployments/approval/approval-decision";
import { approvalRefusal } from "../deployments/approval/approval-rules";
import { auditExpiredApprovals } from "../deployments/approval/audit-expired-approvals";
import { AppError } from "../errors";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ChangeSetView } from "./schemas";
import { unchangedPlans, changeSetApprovalState, CHANGE_SET_APPROVALS } from "./set-approval";

export interface ChangeSetDecisionInput extends ApprovalDecision {
  changeSetId: string;
  /** The hash of the set the decider read: refused when its plans are no longer those. */
  setHash?: string;
}

/**
 * Records an admin's approval or rejection of a whole change set, bound to the set's hash, under
 * the rules of a plan's approval (approval-rules.ts): the author's own approval and automation's
 * (unless every instance of the set accepts it) are refused rather than recorded.
 */
export async function recordChangeSetDecision(
  ctx: RequestContext,
  input: ChangeSetDecisionInput,
): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const set = await findChangeSetOrThrow(db, input.changeSetId);
  const now = new Date();
  const state = changeSetApprovalState(set, now);
  await auditExpiredApprovals(db, set, state, now, CHANGE_SET_APPROVALS);
  if (input.setHash !== undefined && input.setHash !== state.hash)
    throw new AppError(
      "conflict",
      "This change set is not the one you reviewed (its hash differs): read it again before deciding.",
      { details: { setHash: state.hash } },
    );
  if (state.required === 0)
    throw new AppError(
      "conflict",
      "This change set needs no approval: none of its instances requires approvals, or it has nothing to apply.",
    );
  if (set.status === "applying") throw new AppError("conflict", "This change set is being applied.");
  await unchangedPlans(db, set);
  const refusal =
    input.decision === "approved"
      ? approvalRefusal(state.settings, { oid: set.createdByOid, name: set.createdBy }, ctx.actor)
      : null;
  const event = (outcome: "success" | "denied") =>
    decisionEvent(ctx, input, CHANGE_SET_APPROVALS, { id: set.id, hash: state.hash }, outcome);
  if (refusal) {
    await auditedTransaction(db, (tx) => appendAuditEvent(tx, event("denied")));
    throw new AppError("forbidden", refusal.replace("of a plan", "of a change set"));
  }
  await auditedTransaction(db, async (tx) => {
    await tx.changeSetApproval.create({
      data: {
        changeSetId: set.id,
        setHash: state.hash,
        ...decisionRow(ctx, input, now, state.settings.approvalLifetimeHours),
      },
    });
    await appendAuditEvent(tx, event("success"));
  });
  return toChangeSetView(await findChangeSetOrThrow(db, set.id));
}
