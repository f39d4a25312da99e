import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { writtenBy } from "./approval/contributors";
import { readPlanContributors } from "./approval/read-plan-contributors";
import { approvalInclude, planApprovalState, toApprovalView } from "./approval/plan-approval-state";
import type { PlanAwaitingApproval } from "./schemas";

/**
 * Plans waiting for approval: for each API on an instance that requires approvals, its latest
 * plan, when it has something to write, was never applied, and lacks the approvals it needs
 * (an older plan of the same API is superseded by the newer one and is not listed), and is not part
 * of a change set (approved as a whole). Oldest first; the viewer's own marked (`ownPlan`), and
 * what they wrote of each one's inputs (`contributed`): they cannot approve either. Read through listAwaitingApproval
 * (lib/approvals), which checks config.read once for every kind it reads.
 */
export async function plansAwaitingApproval(ctx: RequestContext): Promise<PlanAwaitingApproval[]> {
  const db = getDb();
  const candidates = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
    SELECT latest.id FROM (
      SELECT DISTINCT ON (p.api_id) p.id, p.operations
      FROM plans p
      JOIN apis a ON a.id = p.api_id
      JOIN instances i ON i.id = a.instance_id
      WHERE a.gone_at IS NULL
        AND COALESCE(i.approvals_required, CASE WHEN i.environment = 'production' THEN 1 ELSE 0 END) > 0
      ORDER BY p.api_id, p.created_at DESC
    ) AS latest
    WHERE jsonb_array_length(latest.operations) > 0
      AND NOT EXISTS (SELECT 1 FROM deployments d WHERE d.plan_id = latest.id)
      -- A change set's plans are approved with the set, on its page (lib/change-sets).
      AND NOT EXISTS (SELECT 1 FROM change_set_items c WHERE c.plan_id = latest.id)`);
  if (candidates.length === 0) return [];
  const plans = await db.plan.findMany({
    where: { id: { in: candidates.map((row) => row.id) } },
    include: {
      approvals: approvalInclude.approvals,
      api: {
        select: {
          id: true,
          displayName: true,
          instanceId: true,
          instance: { select: { ...approvalInclude.api.select.instance.select, id: true, name: true } },
        },
      },
    },
    orderBy: { createdAt: "asc" },
  });
  // Who wrote what each brings, for all of them in one statement: their approvals do not count,
  // and the viewer's part is marked.
  const contributors = await readPlanContributors(
    db,
    plans.map((plan) => plan.id),
  );
  const now = new Date();
  const waiting = plans.flatMap((plan) => {
    const state = planApprovalState(plan, now, { contributors: contributors.get(plan.id) ?? [] });
    return state.status === "waiting" ? [{ plan, state }] : [];
  });
  return waiting.map(({ plan, state }) => {
    const { instance } = plan.api;
    return {
      planId: plan.id,
      hash: state.hash,
      createdAt: plan.createdAt.toISOString(),
      createdBy: plan.createdBy,
      ownPlan: plan.createdByOid === ctx.actor.oid,
      contributed: writtenBy(contributors.get(plan.id) ?? [], ctx.actor),
      api: { id: plan.api.id, displayName: plan.api.displayName },
      instance: { id: instance.id, name: instance.name, environment: instance.environment },
      approval: toApprovalView(state),
    };
  });
}
