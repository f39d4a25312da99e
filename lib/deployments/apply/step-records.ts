import { appendAuditEvent, auditedStatement, type AuditTx } from "../../audit/append-audit-event";
import type { AuditInput } from "../../audit/audit-input";
import { Prisma, type PrismaClient } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import { log } from "../../log";
import type { PlanOperation } from "../schemas";
import { deploymentEvent, type AuditContext } from "./audit-context";
import type { StepOutcome } from "./execute-step";

const stepKey = (deploymentId: string, seq: number) => ({ deploymentId_seq: { deploymentId, seq } });

/** The step is about to send its first request: the console shows it in progress. */
export async function markStepRunning(
  db: PrismaClient,
  deploymentId: string,
  seq: number,
  correlationId: string,
): Promise<void> {
  await driverSqlOf(db).query(
    Prisma.sql`
    UPDATE deployment_steps SET status = 'running', started_at = ${new Date().toISOString()}::timestamptz,
      arm_correlation_id = ${correlationId}
    WHERE deployment_id = ${deploymentId}::uuid AND seq = ${seq}::int`,
    { prepared: true },
  );
}

/** Nothing is sent for a step an earlier deployment of the plan already carried out. */
export async function markStepSkipped(
  db: PrismaClient,
  deploymentId: string,
  seq: number,
  done: { deploymentId: string; etagAfter: string | null },
): Promise<void> {
  await db.deploymentStep.update({
    where: stepKey(deploymentId, seq),
    data: {
      status: "skipped",
      etagAfter: done.etagAfter,
      note: `Already carried out by deployment ${done.deploymentId} of this plan; nothing was sent.`,
    },
  });
}

/** What one executed step did, to be recorded with its event. */
export interface StepRecord {
  operation: PlanOperation;
  outcome: StepOutcome;
  correlationId: string;
}

/**
 * The step's outcome and its one `deployment.step` audit event, in one statement: a step is
 * never recorded without its event, nor an event without its step. A step no longer `running`
 * was ended by an instance that took the lock over (this one lost its lease mid-request): it
 * already has its event, so the late outcome is only logged.
 */
export async function recordStepOutcome(
  db: PrismaClient,
  audit: AuditContext,
  deploymentId: string,
  step: StepRecord,
): Promise<void> {
  const [row] = await auditedStatement<{ recorded: boolean }>(
    db,
    (queue) => Prisma.sql`
      WITH step AS (${stepOutcomeUpdate(deploymentId, step)}),
      ${queue([{ event: stepEvent(audit, deploymentId, step), when: Prisma.sql`EXISTS (SELECT 1 FROM step)` }])}
      SELECT EXISTS (SELECT 1 FROM step) AS recorded`,
    { prepared: true },
  );
  if (!row?.recorded) logLateOutcome(deploymentId, step);
}

/**
 * Writes the step's outcome and its event inside the caller's audited transaction (a deployment
 * that ends without knowing all its steps). As recordStepOutcome, a late outcome is only logged.
 */
export async function writeStepOutcome(
  tx: AuditTx,
  audit: AuditContext,
  deploymentId: string,
  step: StepRecord,
): Promise<void> {
  const { operation, outcome, correlationId } = step;
  const updated = await tx.deploymentStep.updateMany({
    where: { deploymentId, seq: operation.seq, status: "running" },
    data: {
      ...recordedOf(outcome),
      armCorrelationId: correlationId,
      error: (outcome.error ?? undefined) as Prisma.InputJsonValue | undefined,
      finishedAt: new Date(),
    },
  });
  if (updated.count === 0) return logLateOutcome(deploymentId, step);
  await appendAuditEvent(tx, stepEvent(audit, deploymentId, step));
}

/**
 * The UPDATE (for a WITH list) that records the step's outcome if it is still `running`,
 * returning its row; the same columns as writeStepOutcome.
 */
export function stepOutcomeUpdate(deploymentId: string, { operation, outcome, correlationId }: StepRecord): Prisma.Sql {
  const recorded = recordedOf(outcome);
  return Prisma.sql`
    UPDATE deployment_steps SET status = ${recorded.status}, if_match = ${recorded.ifMatch}::text,
      etag_after = ${recorded.etagAfter}::text, http_status = ${recorded.httpStatus}::int,
      arm_request_ids = ARRAY(SELECT jsonb_array_elements_text(${JSON.stringify(recorded.armRequestIds)}::jsonb)),
      note = ${recorded.note}::text, arm_correlation_id = ${correlationId},
      error = COALESCE(${outcome.error ? JSON.stringify(outcome.error) : null}::jsonb, error),
      finished_at = ${new Date().toISOString()}::timestamptz
    WHERE deployment_id = ${deploymentId}::uuid AND seq = ${operation.seq}::int AND status = 'running'
    RETURNING *`;
}

/** The step's one `deployment.step` event. */
export function stepEvent(
  audit: AuditContext,
  deploymentId: string,
  { operation, outcome, correlationId }: StepRecord,
): AuditInput {
  const { seq, kind, target } = operation;
  return deploymentEvent(audit, deploymentId, {
    action: "deployment.step",
    after: { seq, kind, target, ...recordedOf(outcome), error: outcome.error },
    outcome: outcome.status === "succeeded" ? "success" : "failure",
    armCorrelationId: correlationId,
  });
}

/** What a step's row and its event record of the outcome (besides the error). */
const recordedOf = ({ status, ifMatch, etagAfter, httpStatus, requestIds, note }: StepOutcome) =>
  ({ status, ifMatch, etagAfter, httpStatus, armRequestIds: requestIds, note }) as const;

export function logLateOutcome(deploymentId: string, { operation, outcome, correlationId }: StepRecord): void {
  log.warn(
    { deploymentId, seq: operation.seq, status: outcome.status, correlationId },
    "step outcome arrived after the deployment was taken over",
  );
}
