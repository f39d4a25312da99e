import { approvalInclude, planApprovalState } from "../deployments/approval/plan-approval-state";
import { readApproverContributors } from "../deployments/approval/read-plan-contributors";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { RotationPlanEntry } from "./schemas";

/**
 * A rotation's plans are applied only when each has the approvals its instance requires (four
 * eyes, lib/deployments/approval): checked for all of them before the first is applied, so a
 * rotation never switches some references and stops at the first plan still waiting. Each plan
 * is approved like any plan (its page, or POST /plans/{id}/approvals); startDeployment checks
 * again, bound to the plan's content hash.
 */
export async function requireApproval(plans: readonly RotationPlanEntry[], now = new Date()): Promise<void> {
  const db = getDb();
  const rows = await db.plan.findMany({
    where: { id: { in: plans.map((plan) => plan.planId) } },
    include: approvalInclude,
  });
  const contributors = await readApproverContributors(db, rows);
  const waiting = rows
    .map((row) => ({ row, state: planApprovalState(row, now, { contributors: contributors.get(row.id) ?? [] }) }))
    .filter(({ state }) => state.status !== "not_required" && state.status !== "approved")
    .map(({ row, state }) => ({
      planId: row.id,
      apimName: plans.find((plan) => plan.planId === row.id)?.apimName ?? row.apiId,
      approvalStatus: state.status,
      approvalsRequired: state.required,
      approvedBy: state.approvedBy,
    }));
  if (waiting.length === 0) return;
  throw new AppError(
    "approval-required",
    `${waiting.length === 1 ? "A plan of this rotation needs" : `${waiting.length} plans of this rotation need`} approval by another admin before anything is applied: ${waiting
      .map((plan) => `${plan.apimName} (plan ${plan.planId}, ${plan.approvalStatus})`)
      .join(", ")}.`,
    { details: { plans: waiting } },
  );
}
