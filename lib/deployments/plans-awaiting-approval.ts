import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { writtenBy } from "./approval/contributors";
import { readPlanContributors } from "./approval/read-plan-contributors";
import {
  approvalInclude,
  planApprovalState,
  planStatusBeforeContent,
  toApprovalView,
} from "./approval/plan-approval-state";
import type { PlanAwaitingApproval } from "./schemas";

/**
 * Plans waiting for approval: for each API on an instance that requires approvals, its latest
 * plan, when it has something to write, was never applied, and lacks the approvals it needs
 * (an older plan of the same API is superseded by the newer one and is not listed), and is not
 * part of a change set (approved as a whole). Oldest first; the viewer's own marked (`ownPlan`), and
 * what they wrote of each one's inputs (`contributed`): they cannot approve either. Read through listAwaitingApproval
 * (lib/approvals), which checks config.read once for every kind it reads.
 */
export async function plansAwaitingApproval(ctx: RequestContext): Promise<PlanAwaitingApproval[]> {
  const db = getDb();
  const waiting = await waitingPlans(db, await candidateIds(db), new Date());
  return waiting.map(({ plan, state, contributors }) => {
    const { instance } = plan.api;
    return {
      planId: plan.id,
      hash: state.hash,
      createdAt: plan.createdAt.toISOString(),
      createdBy: plan.createdBy,
      ownPlan: plan.createdByOid === ctx.actor.oid,
      contributed: writtenBy(contributors, ctx.actor),
      api: { id: plan.api.id, displayName: plan.api.displayName },
      instance: { id: instance.id, name: instance.name, environment: instance.environment },
      approval: toApprovalView(state),
    };
  });
}

/**
 * How many plans plansAwaitingApproval lists, for the console header's count, without reading
 * what it shows: of the same candidates, their decisions, author and instance's settings decide
 * most (planStatusBeforeContent); only those that could be approved or rejected have their content
 * (the hash decisions are bound to) and contributors read, by the list's own read of them.
 */
export async function countPlansAwaitingApproval(): Promise<number> {
  const db = getDb();
  const ids = await candidateIds(db);
  if (ids.length === 0) return 0;
  const now = new Date();
  const plans = await db.plan.findMany({
    where: { id: { in: ids } },
    select: { id: true, createdBy: true, createdByOid: true, ...approvalInclude },
  });
  const statuses = plans.map((plan) => ({ id: plan.id, status: planStatusBeforeContent(plan, now) }));
  const undecided = statuses.filter(({ status }) => status === "approved" || status === "rejected");
  const waiting = statuses.filter(({ status }) => status === "waiting").length;
  if (undecided.length === 0) return waiting;
  return (
    waiting +
    (
      await waitingPlans(
        db,
        undecided.map(({ id }) => id),
        now,
      )
    ).length
  );
}

/**
 * The plans that could wait: each API's latest plan on an instance requiring approvals, with
 * something to write, never applied and in no change set.
 */
async function candidateIds(db: ReturnType<typeof getDb>): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>(Prisma.sql`
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
  return rows.map((row) => row.id);
}

/** Of the plans `ids`, those whose approval state at `now` is waiting, oldest first, with their state and contributors. */
async function waitingPlans(db: ReturnType<typeof getDb>, ids: readonly string[], now: Date) {
  if (ids.length === 0) return [];
  const plans = await db.plan.findMany({
    where: { id: { in: [...ids] } },
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
  return plans.flatMap((plan) => {
    const brought = contributors.get(plan.id) ?? [];
    const state = planApprovalState(plan, now, { contributors: brought });
    return state.status === "waiting" ? [{ plan, state, contributors: brought }] : [];
  });
}
