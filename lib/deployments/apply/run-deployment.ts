import { randomUUID } from "node:crypto";
import { SYSTEM_ACTOR } from "../../audit/audit-input";
import { getDb, type PrismaClient } from "../../db";
import { AppError } from "../../errors";
import type { ApimClient } from "../../apim/apim-client";
import { apimClientForInstance, type InstanceCoordinates } from "../../apim/client-for-instance";
import { log } from "../../log";
import { findDeploymentOrThrow, toDeploymentView, type DeploymentRow } from "../deployment-view";
import type { DeploymentView, DesiredState, PlanOperation } from "../schemas";
import { appliedStateOf } from "./applied-state";
import { claimAtQueue, claimDeployment, type Claim, type ClaimRow, type FirstStep } from "./claim-deployment";
import type { AuditContext } from "./audit-context";
import { executeStep, type StepOutcome } from "./execute-step";
import { finishDeployment, type Finish } from "./finish-deployment";
import { markStepRunning, markStepSkipped, recordStepOutcome, type StepRecord } from "./step-records";
import { changesSincePlan, unwrittenExpectations } from "./unwritten-entities";

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
export async function runDeployment(
  audit: AuditContext,
  deployment: QueuedDeployment,
  claimedAtQueue: ClaimedAtQueue | null = null,
): Promise<DeploymentView> {
  const db = getDb();
  let finished: DeploymentRow | null = null;
  try {
    const apim = clientOrRefusal(deployment.instance);
    const firstStep = claimedAtQueue ? claimedAtQueue.firstStep : firstStepToMark(deployment, apim);
    const claim = claimedAtQueue
      ? await claimAtQueue(db, deployment, claimedAtQueue.holder, claimedAtQueue.row)
      : await claimDeployment(db, deployment, randomUUID(), firstStep);
    const { lease } = claim;
    try {
      await endInterrupted(db, claim.stale, audit.requestId);
      if (claim.claimed) {
        const finish = await applySteps(db, audit, deployment, apim, claim, claim.firstStepRunning ? firstStep : null);
        finished = ((await finishDeployment(db, audit, deployment.id, finish, lease)) || null)?.row ?? null;
      }
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
  // A success is usually returned by the statement that ended it; anything else is read.
  return toDeploymentView(finished ?? (await findDeploymentOrThrow(db, deployment.id)));
}

/** The claim the statement that queued the deployment made (queueDeploymentIf, claimInQueueSql). */
export interface ClaimedAtQueue {
  holder: string;
  /** The step that statement was asked to mark running (firstStepToMark), marked if `row.firstStepRunning`. */
  firstStep: FirstStep | null;
  row: ClaimRow;
}

/**
 * The step the claim marks running, so the run sends its request without a statement before it:
 * the first, when nothing needs reading before it (and no earlier attempt, which the claim checks).
 */
export function firstStepToMark(
  deployment: QueuedDeployment,
  apim: ApimClient | AppError = clientOrRefusal(deployment.instance),
): FirstStep | null {
  const first = deployment.operations[0];
  return apim instanceof AppError ||
    first === undefined ||
    unwrittenExpectations(deployment.apimName, deployment.operations, deployment.desired, new Map()).length > 0
    ? null
    : { seq: first.seq, correlationId: randomUUID() };
}

/** The instance's client, or why its ARM endpoint is no longer allowed (apimClientForInstance says why). */
function clientOrRefusal(instance: InstanceCoordinates): ApimClient | AppError {
  try {
    return apimClientForInstance(instance);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error;
  }
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
  apim: ApimClient | AppError,
  { earlier, lease }: Pick<Claim, "earlier" | "lease">,
  markedRunning: FirstStep | null,
): Promise<Finish> {
  const { operations, desired } = deployment;
  if (apim instanceof AppError)
    return { status: "failed", error: { code: "check_failed", message: apim.message, step: null }, result: null };
  try {
    const expectations = unwrittenExpectations(deployment.apimName, operations, desired, earlier);
    const changed = await changesSincePlan(apim, expectations, audit.requestId);
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
    const marked = markedRunning?.seq === operation.seq ? markedRunning : null;
    const correlationId = marked?.correlationId ?? randomUUID();
    if (!marked) await markStepRunning(db, deployment.id, operation.seq, correlationId);
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
