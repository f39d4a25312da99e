import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findPlanOrThrow, toPlanView } from "./plan/plan-view";
import type { PlanView } from "./schemas";

export async function getPlan(ctx: RequestContext, input: { planId: string }): Promise<PlanView> {
  await authorize(ctx, "config.read");
  return toPlanView(await findPlanOrThrow(getDb(), input.planId));
}
