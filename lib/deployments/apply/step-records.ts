import { appendAuditEvent, auditedTransaction, type AuditTx } from "../../audit/append-audit-event";
import type { Prisma, PrismaClient } from "../../db";
import { log } from "../../log";
import type { PlanOperation } from "../schemas";
import type { AuditContext } from "./audit-context";
import type { StepOutcome } from "./execute-step";

const stepKey = (deploymentId: string, seq: number) => ({ deploymentId_seq: { deploymentId, seq } });

/** The step is about to send its first request: the console shows it in progress. */
export async function markStepRunning(
  db: PrismaClient,
  deploymentId: string,
  seq: number,
  correlationId: string,
): Promise<void> {
  await db.deploymentStep.update({
    where: stepKey(deploymentId, seq),
    data: { status: "running", startedAt: new Date(), armCorrelationId: correlationId },
  });
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
 * The step's outcome and its one `deployment.step` audit event, in one transaction: a step is
 * never recorded without its event, nor an event without its step.
 */
export async function recordStepOutcome(
  db: PrismaClient,
  audit: AuditContext,
  deploymentId: string,
  step: StepRecord,
): Promise<void> {
  await auditedTransaction(db, (tx) => writeStepOutcome(tx, audit, deploymentId, step));
}

/**
 * Writes the step's outcome and its event inside the caller's audited transaction (the last
 * step of a deployment is recorded in the transaction that ends it). A step no longer `running`
 * was ended by an instance that took the lock over (this one lost its lease mid-request): it
 * already has its event, so the late outcome is only logged.
 */
export async function writeStepOutcome(
  tx: AuditTx,
  audit: AuditContext,
  deploymentId: string,
  { operation, outcome, correlationId }: StepRecord,
): Promise<void> {
  const recorded = {
    status: outcome.status,
    ifMatch: outcome.ifMatch,
    etagAfter: outcome.etagAfter,
    httpStatus: outcome.httpStatus,
    armRequestIds: outcome.requestIds,
    note: outcome.note,
  };
  const updated = await tx.deploymentStep.updateMany({
    where: { deploymentId, seq: operation.seq, status: "running" },
    data: {
      ...recorded,
      armCorrelationId: correlationId,
      error: (outcome.error ?? undefined) as Prisma.InputJsonValue | undefined,
      finishedAt: new Date(),
    },
  });
  if (updated.count === 0) {
    log.warn(
      { deploymentId, seq: operation.seq, status: outcome.status, correlationId },
      "step outcome arrived after the deployment was taken over",
    );
    return;
  }
  await appendAuditEvent(tx, {
    actor: audit.actor,
    action: "deployment.step",
    target: { type: "deployment", id: deploymentId },
    after: { seq: operation.seq, kind: operation.kind, target: operation.target, ...recorded, error: outcome.error },
    outcome: outcome.status === "succeeded" ? "success" : "failure",
    requestId: audit.requestId,
    armCorrelationId: correlationId,
    clientIp: audit.clientIp,
  });
}
