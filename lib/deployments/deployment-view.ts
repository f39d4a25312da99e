import type { Prisma } from "../db";
import { parseStored } from "../db/parse-stored";
import { AppError } from "../errors";
import { isUuid } from "../apis/find-api";
import { deploymentSchema, stepSchema, type DeploymentView, type StepView } from "./schemas";

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
  const record = `deployment ${row.id}`;
  const { shape } = deploymentSchema;
  return {
    id: row.id,
    planId: row.planId,
    apiId: row.apiId,
    status: parseStored(shape.status, row.status, { record, field: "status" }),
    error: parseStored(shape.error, row.error, { record, field: "error" }),
    result: parseStored(shape.result, row.result, { record, field: "result" }),
    startedAt: row.startedAt.toISOString(),
    finishedAt: iso(row.finishedAt),
    startedBy: row.startedBy,
    requestId: row.requestId,
    steps: row.steps.map((step) => toStepView(step, `step ${step.seq} of ${record}`)),
  };
}

function toStepView(step: DeploymentRow["steps"][number], record: string): StepView {
  return {
    seq: step.seq,
    kind: step.kind,
    target: step.target,
    status: parseStored(stepSchema.shape.status, step.status, { record, field: "status" }),
    ifMatch: step.ifMatch,
    etagAfter: step.etagAfter,
    httpStatus: step.httpStatus,
    armRequestIds: step.armRequestIds,
    armCorrelationId: step.armCorrelationId,
    error: parseStored(stepSchema.shape.error, step.error, { record, field: "error" }),
    note: step.note,
    startedAt: iso(step.startedAt),
    finishedAt: iso(step.finishedAt),
  };
}

function iso(date: Date | null): string | null {
  return date?.toISOString() ?? null;
}
