import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordPlanDecision } from "./approval/record-plan-decision";
import { planApprovalInputSchema, planIdSchema, type PlanView } from "./schemas";

const inputSchema = planApprovalInputSchema.extend({ planId: planIdSchema });

/**
 * An admin other than the plan's author approves it (automation only where the instance allows
 * it). The approval is bound to the plan's content hash and expires after the instance's lifetime.
 */
export async function approvePlan(ctx: RequestContext, input: unknown): Promise<PlanView> {
  const { planId, planHash } = parseInput(inputSchema, input, "approval");
  return recordPlanDecision(ctx, { planId, decision: "approved", reason: null, planHash });
}
