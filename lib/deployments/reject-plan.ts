import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordPlanDecision } from "./approval/record-plan-decision";
import { planIdSchema, planRejectionInputSchema, type PlanView } from "./schemas";

const inputSchema = planRejectionInputSchema.extend({ planId: planIdSchema });

/** An admin rejects a plan with a reason: it cannot be applied (a new plan starts over). */
export async function rejectPlan(ctx: RequestContext, input: unknown): Promise<PlanView> {
  const { planId, planHash, reason } = parseInput(inputSchema, input, "rejection");
  return recordPlanDecision(ctx, { planId, decision: "rejected", reason, planHash });
}
