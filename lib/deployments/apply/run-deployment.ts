import { randomUUID } from "node:crypto";
import { SYSTEM_ACTOR } from "../../audit/audit-input";
import { getDb, type PrismaClient } from "../../db";
import { AppError } from "../../errors";
import type { ApimClient } from "../../apim/apim-client";
import { apimClientForInstance, type InstanceCoordinates } from "../../apim/client-for-instance";
import { log } from "../../log";
import { findDeploymentOrThrow, toDeploymentView } from "../deployment-view";
import type { DeploymentView, DesiredState, PlanOperation } from "../schemas";
import { acquireApiLock, type ApiLease } from "./api-lock";
import { appliedStateOf } from "./applied-state";
import { claimDeployment } from "./claim-deployment";
import type { AuditContext } from "./audit-context";
import type { EarlierAttempt } from "./earlier-attempts";
import { executeStep, type StepOutcome } from "./execute-step";
import { finishDeployment, type Finish } from "./finish-deployment";
import { markStepRunning, markStepSkipped, recordStepOutcome, type StepRecord } from "./step-records";
import { changesSincePlan } from "./unwritten-entities";

/** A deployment startDeployment created, with what running it needs (read once, there). */
export interface QueuedDeployment {
  id: string;
  planId: string;
  apiId: string;
  apimName: string;
  instance: InstanceCoordinates;
  operations: PlanOperation[];
  desired: DesiredState;
}

/**
 * Carries out a queued deployment: takes the API's lock (waiting for earlier applies of the same
 * API, on any instance), ends deployments a crashed instance left running, then runs the plan's
 * steps in order. Never throws: whatever happens is recorded on the deployment, which it returns.
 * Running it again, or for a deployment that is no longer queued, does nothing.
 */
export async function runDeployment(audit: AuditContext, deployment: QueuedDeployment): Promise<DeploymentView> {
  const db = getDb();
  try {
    const lease = await acquireApiLock(db, deployment.apiId, randomUUID());
    try {
      const { claimed, stale, earlier } = await claimDeployment(db, deployment);
      await endInterrupted(db, stale, audit.requestId);
      if (claimed)
        await finishDeployment(
          db,
          audit,
          deployment.id,
          await applySteps(db, audit, deployment, earlier, lease),
          lease,
        );
    } finally {
      await lease.release();
    }
  } catch (error) {
    log.error(
      { err: error, deploymentId: deployment.id, requestId: audit.requestId },
      "deployment stopped by an unexpected error",
    );
    const message = `The deployment stopped because of an internal error (logged with request id ${audit.requestId}); make a new plan and apply it.`;
    await finishDeployment(db, audit, deployment.id, {
      status: "failed",
      error: { code: "internal", message, step: null },
      result: null,
    }).catch((finishError: unknown) =>
      log.error({ err: finishError, deploymentId: deployment.id }, "could not record the deployment's failure"),
    );
  }
  return toDeploymentView(await findDeploymentOrThrow(db, deployment.id));
}

/** Ends the deployments a crashed instance left running (see claimDeployment). */
async function endInterrupted(db: PrismaClient, stale: readonly string[], requestId: string): Promise<void> {
  const message =
    "The app instance running this deployment stopped before it finished (its lock on the API expired and was taken over). Make a new plan: it reads what APIM holds now.";
  for (const id of stale) {
    await finishDeployment(db, { actor: SYSTEM_ACTOR, requestId, clientIp: null }, id, {
      status: "failed",
      error: { code: "interrupted", message, step: null },
      result: null,
    });
  }
}

async function applySteps(
  db: PrismaClient,
  audit: AuditContext,
  deployment: QueuedDeployment,
  earlier: ReadonlyMap<number, EarlierAttempt>,
  lease: ApiLease,
): Promise<Finish> {
  const { operations, desired } = deployment;
  let apim: ApimClient;
  try {
    apim = apimClientForInstance(deployment.instance);
  } catch (error) {
    // The instance's ARM endpoint is no longer allowed (apimClientForInstance says why).
    if (!(error instanceof AppError)) throw error;
    return { status: "failed", error: { code: "check_failed", message: error.message, step: null }, result: null };
  }
  try {
    const changed = await changesSincePlan(apim, deployment.apimName, operations, desired, earlier, audit.requestId);
    if (changed.length > 0)
      return {
        status: "conflicted",
        error: {
          code: "conflicted",
          message: `${changed.join(" ")} Nothing was written; make a new plan.`,
          step: null,
        },
        result: null,
      };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      status: "failed",
      error: {
        code: "check_failed",
        message: `Checking that APIM still matches the plan failed, so nothing was written: ${error.message}`,
        step: null,
      },
      result: null,
    };
  }

  const etagsAfter = new Map<number, string | null>();
  let skipped = 0;
  let lastStep: StepRecord | undefined;
  for (const operation of operations) {
    const attempt = earlier.get(operation.seq);
    if (attempt?.succeeded) {
      await markStepSkipped(db, deployment.id, operation.seq, attempt.succeeded);
      etagsAfter.set(operation.seq, attempt.succeeded.etagAfter);
      skipped += 1;
      continue;
    }
    if (lease.lost) {
      const message =
        "This instance lost its lock on the API (it could not renew it in time), so it stopped before the next write. Make a new plan.";
      return { status: "failed", error: { code: "lock_lost", message, step: operation.seq }, result: null };
    }
    const correlationId = randomUUID();
    await markStepRunning(db, deployment.id, operation.seq, correlationId);
    const outcome = await executeStep(operation, {
      apim,
      correlationId,
      desired,
      earlierAttemptMayHaveLanded: attempt?.mayHaveLanded ?? false,
    });
    const step = { operation, outcome, correlationId };
    if (outcome.status === "failed") return { ...stoppedAt(operation, outcome), lastStep: step };
    etagsAfter.set(operation.seq, outcome.etagAfter);
    // The last step's outcome is recorded with the deployment's end (finishDeployment).
    if (operation === operations.at(-1)) lastStep = step;
    else await recordStepOutcome(db, audit, deployment.id, step);
  }
  return {
    status: "succeeded",
    error: null,
    result: appliedStateOf(operations, desired, etagsAfter),
    // Every step ran or was skipped: the deployment need not count them again.
    steps: countsOf({ succeeded: operations.length - skipped, skipped }),
    lastStep,
  };
}

function stoppedAt(operation: PlanOperation, outcome: StepOutcome): Finish {
  const step = `Step ${operation.seq} (${operation.kind} '${operation.target}')`;
  // ARM's messages do not always end their sentence; ours follows it.
  const why = (outcome.error?.message ?? "failed").replace(/([^.!?])\s*$/, "$1.");
  if (outcome.conflict) {
    return {
      status: "conflicted",
      error: {
        code: "conflicted",
        message: `${step} found APIM changed since the plan was made: ${why} A new plan is needed.`,
        step: operation.seq,
      },
      result: null,
    };
  }
  return {
    status: "failed",
    error: {
      code: "step_failed",
      message: `${step} failed: ${why} Apply the plan again to retry from this step.`,
      step: operation.seq,
    },
    result: null,
  };
}

/** Step counts by status as the `deployment.finish` event records them: statuses with no step are left out. */
function countsOf(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
}
