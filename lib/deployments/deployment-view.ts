import type { Prisma } from "../db";
import { parseStored } from "../db/parse-stored";
import { AppError } from "../errors";
import { isUuid } from "../apis/find-api";
import { deploymentSchema, stepSchema, type DeploymentView, type StepView } from "./schemas";

export const deploymentViewInclude = { steps: { orderBy: { seq: "asc" } } } satisfies Prisma.DeploymentInclude;

export type DeploymentRow = Prisma.DeploymentGetPayload<{ include: typeof deploymentViewInclude }>;

/** A deployment and its steps as a statement returns them with `to_jsonb` (column names, times as text). */
export interface FinishedRow {
  deployment: Record<string, unknown>;
  steps: Record<string, unknown>[] | null;
}

/** The row findDeploymentOrThrow would read, from what a statement returned (finishDeployment). */
export function deploymentRowOf({ deployment: d, steps }: FinishedRow): DeploymentRow {
  const time = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  const text = (value: unknown) => (value ?? null) as string | null;
  return {
    id: d.id as string,
    planId: d.plan_id as string,
    apiId: d.api_id as string,
    status: d.status as string,
    error: (d.error ?? null) as Prisma.JsonValue,
    result: (d.result ?? null) as Prisma.JsonValue,
    startedAt: time(d.started_at)!,
    finishedAt: time(d.finished_at),
    startedBy: d.started_by as string,
    requestId: text(d.request_id),
    steps: (steps ?? []).map((step) => ({
      id: step.id as string,
      deploymentId: step.deployment_id as string,
      seq: step.seq as number,
      kind: step.kind as string,
      target: step.target as string,
      status: step.status as string,
      ifMatch: text(step.if_match),
      etagAfter: text(step.etag_after),
      httpStatus: (step.http_status ?? null) as number | null,
      armRequestIds: (step.arm_request_ids ?? []) as string[],
      armCorrelationId: text(step.arm_correlation_id),
      error: (step.error ?? null) as Prisma.JsonValue,
      note: text(step.note),
      startedAt: time(step.started_at),
      finishedAt: time(step.finished_at),
    })),
  };
}

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
