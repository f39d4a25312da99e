import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { approverContributorsOf } from "./approval/read-plan-contributors";
import { findPlanOrThrow, toPlanView } from "./plan/plan-view";
import type { PlanView } from "./schemas";

export async function getPlan(ctx: RequestContext, input: { planId: string }): Promise<PlanView> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const plan = await findPlanOrThrow(db, input.planId);
  return toPlanView(plan, { contributors: await approverContributorsOf(db, plan) });
}
