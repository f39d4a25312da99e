import { appendAuditEvent, auditedTransaction } from "../../audit/append-audit-event";
import { authorize } from "../../auth/authorize";
import type { RequestContext } from "../../auth/request-context";
import { getDb } from "../../db";
import { AppError } from "../../errors";
import { findPlanOrThrow, toPlanView } from "../plan/plan-view";
import type { PlanView } from "../schemas";
import { decisionEvent, decisionRow, type ApprovalDecision } from "./approval-decision";
import { approvalRefusal } from "./approval-rules";
import { PLAN_APPROVALS } from "./approval-subject";
import { auditExpiredApprovals } from "./audit-expired-approvals";
import { planApprovalState } from "./plan-approval-state";

export interface PlanDecisionInput extends ApprovalDecision {
  planId: string;
  /** The hash of the plan the decider read: refused when the plan is no longer that content. */
  planHash?: string;
}

/**
 * Records an admin's approval or rejection of a plan, bound to the plan's content hash, with its
 * audit event. An approval that could never count (the author's own; automation's where the
 * instance does not accept it) is refused rather than recorded. approvePlan and rejectPlan call it.
 */
export async function recordPlanDecision(ctx: RequestContext, input: PlanDecisionInput): Promise<PlanView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const plan = await findPlanOrThrow(db, input.planId);
  const now = new Date();
  const state = planApprovalState(plan, now);
  await auditExpiredApprovals(db, plan, state, now);
  if (input.planHash !== undefined && input.planHash !== state.hash) {
    throw new AppError(
      "conflict",
      "This plan's content is not the one you reviewed (its hash differs): read it again before deciding.",
      { details: { planHash: state.hash } },
    );
  }
  if (state.required === 0) {
    throw new AppError(
      "conflict",
      "This plan needs no approval: its instance does not require approvals, or it has nothing to write.",
    );
  }
  if (plan.deployments.some((deployment) => deployment.status === "succeeded")) {
    throw new AppError("conflict", "This plan has already been applied.");
  }
  const refusal = input.decision === "approved" ? approvalRefusal(plan.api.instance, author(plan), ctx.actor) : null;
  const event = (outcome: "success" | "denied") =>
    decisionEvent(ctx, input, PLAN_APPROVALS, { id: plan.id, hash: state.hash }, outcome);
  if (refusal) {
    await auditedTransaction(db, (tx) => appendAuditEvent(tx, event("denied")));
    throw new AppError("forbidden", refusal);
  }
  await auditedTransaction(db, async (tx) => {
    await tx.planApproval.create({
      data: {
        planId: plan.id,
        planHash: state.hash,
        ...decisionRow(ctx, input, now, plan.api.instance.approvalLifetimeHours),
      },
    });
    await appendAuditEvent(tx, event("success"));
  });
  return toPlanView(await findPlanOrThrow(db, plan.id));
}

function author(plan: { createdBy: string; createdByOid: string | null }) {
  return { oid: plan.createdByOid, name: plan.createdBy };
}
