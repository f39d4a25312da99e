import { authorize } from "../../auth/authorize";
import type { RequestContext } from "../../auth/request-context";
import { getDb } from "../../db";
import { AppError } from "../../errors";
import { findPlanOrThrow, toPlanView } from "../plan/plan-view";
import type { PlanView } from "../schemas";
import type { ApprovalDecision } from "./approval-decision";
import { PLAN_APPROVALS } from "./approval-subject";
import { auditExpiredApprovals } from "./audit-expired-approvals";
import { planApprovalState } from "./plan-approval-state";
import { readPlanContributors } from "./read-plan-contributors";
import { assertReviewed, recordDecision } from "./record-decision";

export interface PlanDecisionInput extends ApprovalDecision {
  planId: string;
  /** The hash of the plan the decider read: refused when the plan is no longer that content. */
  planHash?: string;
}

/**
 * Records an admin's approval or rejection of a plan, bound to the plan's content hash, with its
 * audit event. An approval that could never count (the author's own; one by a writer of an input
 * the plan brings; automation's where the instance does not accept it) is refused rather than recorded. approvePlan and rejectPlan call it.
 */
export async function recordPlanDecision(ctx: RequestContext, input: PlanDecisionInput): Promise<PlanView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const plan = await findPlanOrThrow(db, input.planId);
  const now = new Date();
  // Read for an approval being made, or for those recorded (they are judged by it too).
  const contributors =
    input.decision === "approved" || plan.approvals.some((row) => row.decision === "approved")
      ? ((await readPlanContributors(db, [plan.id])).get(plan.id) ?? [])
      : [];
  const state = planApprovalState(plan, now, { contributors });
  await auditExpiredApprovals(db, plan, state, now);
  assertReviewed(PLAN_APPROVALS, input.planHash, state.hash);
  if (state.required === 0) {
    throw new AppError(
      "conflict",
      "This plan needs no approval: its instance does not require approvals, or it has nothing to write.",
    );
  }
  if (plan.deployments.some((deployment) => deployment.status === "succeeded")) {
    throw new AppError("conflict", "This plan has already been applied.");
  }
  await recordDecision(db, ctx, input, {
    subject: PLAN_APPROVALS,
    target: { id: plan.id, hash: state.hash },
    author: { oid: plan.createdByOid, name: plan.createdBy },
    contributors,
    settings: plan.api.instance,
    now,
    insert: (tx, row) => tx.planApproval.create({ data: { planId: plan.id, planHash: state.hash, ...row } }),
  });
  // It holds an approval now only if it did before or this is one: `contributors` were read for either.
  return toPlanView(await findPlanOrThrow(db, plan.id), { contributors });
}
