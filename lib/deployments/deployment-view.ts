import type { Prisma } from "../db";
import { AppError } from "../errors";
import { isUuid } from "../apis/find-api";
import type { AppliedState, DeploymentError, DeploymentStatus, DeploymentView, StepError, StepStatus } from "./schemas";

export const deploymentViewInclude = { steps: { orderBy: { seq: "asc" } } } satisfies Prisma.DeploymentInclude;

type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentViewInclude }>;

export async function findDeploymentOrThrow(
  db: Prisma.TransactionClient,
  deploymentId: string,
): Promise<DeploymentRow> {
  const row = isUuid(deploymentId)
    ? await db.deployment.findUnique({ where: { id: deploymentId }, include: deploymentViewInclude })
    : null;
  if (!row) throw new AppError("not_found", `There is no deployment with id ${deploymentId}.`);
  return row;
}

export function toDeploymentView(row: DeploymentRow): DeploymentView {
  const iso = (date: Date | null) => date?.toISOString() ?? null;
  return {
    id: row.id,
    planId: row.planId,
    apiId: row.apiId,
    status: row.status as DeploymentStatus,
    error: row.error as DeploymentError | null,
    result: row.result as AppliedState | null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
    startedBy: row.startedBy,
    requestId: row.requestId,
    steps: row.steps.map((step) => ({
      seq: step.seq,
      kind: step.kind,
      target: step.target,
      status: step.status as StepStatus,
      ifMatch: step.ifMatch,
      etagAfter: step.etagAfter,
      httpStatus: step.httpStatus,
      armRequestIds: step.armRequestIds,
      armCorrelationId: step.armCorrelationId,
      error: step.error as StepError | null,
      note: step.note,
      startedAt: iso(step.startedAt),
      finishedAt: iso(step.finishedAt),
    })),
  };
}
