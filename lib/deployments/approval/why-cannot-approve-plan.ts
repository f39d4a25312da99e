import { authorize } from "../../auth/authorize";
import type { RequestContext } from "../../auth/request-context";
import { getDb } from "../../db";
import { findPlanOrThrow } from "../plan/plan-view";
import { approvalRefusal, type ApprovalRefusal } from "./approval-rules";
import { PLAN_APPROVALS } from "./approval-subject";
import { approvalSettingsSelect } from "./plan-approval-state";
import { readPlanContributors } from "./read-plan-contributors";

/**
 * Why the viewer's approval of this plan would be refused, before they try: the same rule over the
 * same reads as recordPlanDecision (its author, its instance's settings, who wrote its inputs), so
 * the console can offer no Approve that the server would refuse and say why instead. Null when
 * their approval would be recorded. The server still refuses on its own: this is a courtesy.
 */
export async function whyCannotApprovePlan(
  ctx: RequestContext,
  input: { planId: string },
): Promise<ApprovalRefusal | null> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const plan = await findPlanOrThrow(db, input.planId, {
    api: { select: { instance: { select: approvalSettingsSelect } } },
  });
  const contributors = await readPlanContributors(db, [plan.id]);
  return approvalRefusal(plan.api.instance, { oid: plan.createdByOid, name: plan.createdBy }, ctx.actor, {
    contributors: contributors.get(plan.id),
    noun: PLAN_APPROVALS.noun,
  });
}
