import type { Prisma } from "../../db";
import { parseStored } from "../../db/parse-stored";
import { isUuid } from "../../apis/find-api";
import { planSchema, type PlanView } from "../schemas";
import type { Contributor } from "../approval/contributors";
import { approvalInclude, planApprovalState, toApprovalView } from "../approval/plan-approval-state";
import { planNotFound } from "./read-plan-to-start";
import { storedDiff, storedOperations } from "./stored-plan";

export const planViewInclude = {
  ...approvalInclude,
  profileVersion: { select: { version: true } },
  deployments: { select: { id: true, status: true, startedAt: true }, orderBy: { startedAt: "asc" } },
} satisfies Prisma.PlanInclude;

type PlanRow = Prisma.PlanGetPayload<{ include: typeof planViewInclude }>;

/** A plan with what `include` asks for (by default what its view shows), or not_found. */
export async function findPlanOrThrow<Include extends Prisma.PlanInclude = typeof planViewInclude>(
  db: Prisma.TransactionClient,
  planId: string,
  include: Include = planViewInclude as Include,
): Promise<Prisma.PlanGetPayload<{ include: Include }>> {
  const plan = isUuid(planId) ? await db.plan.findUnique({ where: { id: planId }, include }) : null;
  if (!plan) throw planNotFound(planId);
  return plan as Prisma.PlanGetPayload<{ include: Include }>;
}

/**
 * The plan as shown, with its approval state at `now`, judged with `contributors` (who wrote what it
 * brings: approverContributorsOf). `hash`: its content hash, when the caller computed it from the
 * same stored JSON (a plan just made), so it is not computed twice.
 */
export function toPlanView(
  row: PlanRow,
  { now = new Date(), hash, contributors }: { now?: Date; hash?: string; contributors: readonly Contributor[] },
): PlanView {
  const operations = storedOperations(row);
  const diff = storedDiff(row);
  const approval = planApprovalState(row, now, { contributors, hash });
  return {
    id: row.id,
    apiId: row.apiId,
    purpose: parseStored(planSchema.shape.purpose, row.purpose, { record: `plan ${row.id}`, field: "purpose" }),
    profileVersion: row.profileVersion?.version ?? 0,
    empty: operations.length === 0,
    blocked: diff.lint.blocking || (diff.effectiveAccess?.blocking ?? false),
    operations,
    diff,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    createdByOid: row.createdByOid,
    hash: approval.hash,
    instanceId: row.api.instanceId,
    approval: toApprovalView(approval),
    deployments: row.deployments.map((deployment) => ({
      id: deployment.id,
      status: deployment.status,
      startedAt: deployment.startedAt.toISOString(),
    })),
  };
}
