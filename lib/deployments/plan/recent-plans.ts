import { Prisma } from "../../db";
import { API_COLUMNS, INSTANCE_COLUMNS, sameColumnsSql } from "../../db/model-columns";
import type { PlanToStart } from "./read-plan-to-start";

/**
 * A plan as this process stored it, with no decisions yet: what readPlanToStart would read of
 * it, the version of the row it wrote (insertPlansSql's `row_version`) and its content hash.
 */
export interface RecentPlan {
  plan: PlanToStart;
  rowVersion: string;
  hash: string;
}

/**
 * Enough for the applies in flight of one process (a benchmark or a pipeline runs 16): a plan
 * started long after it was made is read like one made elsewhere.
 */
const KEPT = 64;

/** Oldest first (a Map keeps insertion order). */
const recent = new Map<string, RecentPlan>();

/**
 * Keeps a plan this process just stored, so that the start that usually follows (automation
 * plans, then applies) can skip reading it back: an apply's statements are its cost
 * (bench/README.md, apply-200, `recentplan`). Kept in this process only: each instance of a
 * scaled-out deployment keeps its own, and a start elsewhere reads the plan.
 */
export function rememberPlan(plan: RecentPlan): void {
  recent.set(plan.plan.id, plan);
  if (recent.size > KEPT) recent.delete(recent.keys().next().value!);
}

/**
 * The plan with this id that this process stored, if still kept, and forgets it: a plan is
 * usually started once, and a later start (a retry) reads what the first one left.
 */
export function takeRecentPlan(planId: string): RecentPlan | undefined {
  const plan = recent.get(planId);
  recent.delete(planId);
  return plan;
}

/**
 * A WITH item (`unchanged`, followed by a comma) and its condition: the database still holds the
 * plan exactly as `plan` says — its row as written (any change of a row makes a new version of it,
 * written by another transaction), no decisions on it, its API's and its instance's rows as read
 * before it was planned — so that reading it would give what this process holds. Nothing but the
 * start of its deployment depends on it, and when it does not hold, nothing is written and the
 * start reads the plan (startDeployment): a decision, a change of the instance's settings or a
 * row edited by hand since it was stored is judged as a read would judge it.
 */
export function unchangedSinceStoredSql({ plan, rowVersion }: RecentPlan): { items: Prisma.Sql; holds: Prisma.Sql } {
  return {
    items: Prisma.sql`unchanged AS (
      SELECT EXISTS (
        SELECT 1 FROM plans p JOIN apis a ON a.id = p.api_id JOIN instances i ON i.id = a.instance_id
        WHERE p.id = ${plan.id}::uuid AND p.xmin = ${rowVersion}::xid
          AND NOT EXISTS (SELECT 1 FROM plan_approvals decision WHERE decision.plan_id = p.id)
          AND ${sameColumnsSql(API_COLUMNS, "a", plan.api)} AND ${sameColumnsSql(INSTANCE_COLUMNS, "i", plan.api.instance)}
      ) AS holds
    ),`,
    holds: Prisma.sql`(SELECT holds FROM unchanged)`,
  };
}
