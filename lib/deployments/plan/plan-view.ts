import type { Prisma } from "../../db";
import { AppError } from "../../errors";
import { isUuid } from "../../apis/find-api";
import type { PlanDiff, PlanOperation, PlanView } from "../schemas";

export const planViewInclude = {
  profileVersion: { select: { version: true } },
  deployments: { select: { id: true, status: true, startedAt: true }, orderBy: { startedAt: "asc" } },
} satisfies Prisma.PlanInclude;

type PlanRow = Prisma.PlanGetPayload<{ include: typeof planViewInclude }>;

export async function findPlanOrThrow(db: Prisma.TransactionClient, planId: string): Promise<PlanRow> {
  const plan = isUuid(planId) ? await db.plan.findUnique({ where: { id: planId }, include: planViewInclude }) : null;
  if (!plan) throw new AppError("not_found", `There is no plan with id ${planId}.`);
  return plan;
}

export function toPlanView(row: PlanRow): PlanView {
  const operations = row.operations as PlanOperation[];
  const diff = row.diff as PlanDiff;
  return {
    id: row.id,
    apiId: row.apiId,
    purpose: row.purpose as PlanView["purpose"],
    profileVersion: row.profileVersion?.version ?? 0,
    empty: operations.length === 0,
    blocked: diff.lint.blocking,
    operations,
    diff,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    deployments: row.deployments.map((deployment) => ({
      id: deployment.id,
      status: deployment.status,
      startedAt: deployment.startedAt.toISOString(),
    })),
  };
}
