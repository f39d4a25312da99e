import { appendAuditEvent, auditedTransaction, type AuditTx } from "../../audit/append-audit-event";
import type { Prisma, PrismaClient } from "../../db";
import type { AppliedState, DeploymentError, StepError } from "../schemas";
import type { AuditContext } from "./audit-context";
import { writeStepOutcome, type StepRecord } from "./step-records";

export interface Finish {
  status: "succeeded" | "failed" | "conflicted";
  error: DeploymentError | null;
  result: AppliedState | null;
  /**
   * Its steps by status when the caller knows every one (none left pending or running);
   * otherwise pending steps become `not_run` and the steps are counted in the database.
   */
  steps?: Record<string, number>;
  /**
   * The step that ended the run (the last one, or the one that failed), recorded with its event
   * in the same transaction as the end, before it: one transaction less per deployment, and no
   * moment at which every step is recorded but the deployment still looks running.
   */
  lastStep?: StepRecord;
}

/**
 * Ends a deployment that is still queued or running, with its `deployment.finish` event in the
 * same transaction. Steps it did not reach become `not_run`. A step left `running` (its
 * instance stopped mid-request) may or may not have reached APIM: it is recorded as failed, with
 * its `deployment.step` event, so every step that may have sent a write has exactly one.
 * Returns false when the deployment had already ended (e.g. marked interrupted meanwhile).
 */
export async function finishDeployment(
  db: PrismaClient,
  audit: AuditContext,
  deploymentId: string,
  finish: Finish,
): Promise<boolean> {
  return auditedTransaction(db, async (tx) => {
    if (finish.lastStep) await writeStepOutcome(tx, audit, deploymentId, finish.lastStep);
    const ended = await tx.deployment.updateMany({
      where: { id: deploymentId, status: { in: ["queued", "running"] } },
      data: {
        status: finish.status,
        error: (finish.error ?? undefined) as Prisma.InputJsonValue | undefined,
        result: (finish.result ?? undefined) as Prisma.InputJsonValue | undefined,
        finishedAt: new Date(),
      },
    });
    if (ended.count === 0) return false;
    const steps = finish.steps ?? (await endUnfinishedSteps(tx, audit, deploymentId, finish.error));
    await appendAuditEvent(tx, {
      actor: audit.actor,
      action: "deployment.finish",
      target: { type: "deployment", id: deploymentId },
      after: {
        status: finish.status,
        error: finish.error,
        steps,
        applied: finish.result && {
          profileVersion: finish.result.profileVersion,
          policyEtag: finish.result.policy?.etag ?? null,
          backendEtag: finish.result.backend?.etag ?? null,
        },
      },
      outcome: finish.status === "succeeded" ? "success" : "failure",
      requestId: audit.requestId,
      clientIp: audit.clientIp,
    });
    return true;
  });
}

/** Steps it did not reach become `not_run`, one in flight fails (see above); returns the steps by status. */
async function endUnfinishedSteps(
  tx: AuditTx,
  audit: AuditContext,
  deploymentId: string,
  cause: DeploymentError | null,
): Promise<Record<string, number>> {
  if (cause) await failStepsInFlight(tx, audit, deploymentId, cause);
  await tx.deploymentStep.updateMany({ where: { deploymentId, status: "pending" }, data: { status: "not_run" } });
  const steps = await tx.deploymentStep.groupBy({ by: ["status"], where: { deploymentId }, _count: true });
  return Object.fromEntries(steps.map((group) => [group.status, group._count]));
}

async function failStepsInFlight(
  tx: AuditTx,
  audit: AuditContext,
  deploymentId: string,
  cause: DeploymentError,
): Promise<void> {
  const inFlight = await tx.deploymentStep.findMany({ where: { deploymentId, status: "running" } });
  for (const step of inFlight) {
    const error: StepError = {
      code: cause.code,
      message: cause.message,
      status: null,
      armCode: null,
      armMessage: null,
      targets: [],
      mayHaveLanded: true,
    };
    const note = "The deployment stopped while this step was in progress: whether its write reached APIM is unknown.";
    await tx.deploymentStep.update({
      where: { id: step.id },
      data: { status: "failed", error, note, finishedAt: new Date() },
    });
    await appendAuditEvent(tx, {
      actor: audit.actor,
      action: "deployment.step",
      target: { type: "deployment", id: deploymentId },
      after: {
        seq: step.seq,
        kind: step.kind,
        target: step.target,
        status: "failed",
        ifMatch: step.ifMatch,
        note,
        error,
      },
      outcome: "failure",
      requestId: audit.requestId,
      armCorrelationId: step.armCorrelationId,
      clientIp: audit.clientIp,
    });
  }
}
