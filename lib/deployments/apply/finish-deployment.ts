import { appendAuditEvent, auditedStatement, auditedTransaction, type AuditTx } from "../../audit/append-audit-event";
import type { AuditInput } from "../../audit/audit-input";
import { Prisma, type PrismaClient } from "../../db";
import { publishEvent } from "../../notifications/publish-event";
import { deploymentRowOf, type DeploymentRow, type FinishedRow } from "../deployment-view";
import type { ApiLease } from "./api-lock";
import type { AppliedState, DeploymentError, StepError } from "../schemas";
import { deploymentEvent, type AuditContext } from "./audit-context";
import { logLateOutcome, stepEvent, stepOutcomeUpdate, writeStepOutcome, type StepRecord } from "./step-records";

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
 * Returns false when the deployment had already ended (e.g. marked interrupted meanwhile);
 * otherwise the finished deployment with its steps when the one-statement path (below) read it
 * as it wrote it, so the caller need not read it again, or null.
 *
 * `lease`: the API's lock, released in the same transaction (the next apply of the API, waiting
 * for it, finds the deployment ended). When the caller knows every step (`finish.steps`), all of
 * it — the last step and its event, the end and its event, the lock — is one statement.
 */
export async function finishDeployment(
  db: PrismaClient,
  audit: AuditContext,
  deploymentId: string,
  finish: Finish,
  lease?: ApiLease,
): Promise<false | { row: DeploymentRow | null }> {
  // A deployment that failed or conflicted is announced in its finishing transaction (below); the
  // one-statement path is for the common, silent success.
  if (finish.steps && finish.status === "succeeded")
    return finishKnownSteps(db, audit, deploymentId, { ...finish, steps: finish.steps }, lease);
  const ended = await auditedTransaction(db, async (tx) => {
    if (finish.lastStep) await writeStepOutcome(tx, audit, deploymentId, finish.lastStep);
    const updated = await tx.deployment.updateMany({
      where: { id: deploymentId, status: { in: ["queued", "running"] } },
      data: {
        status: finish.status,
        error: (finish.error ?? undefined) as Prisma.InputJsonValue | undefined,
        result: (finish.result ?? undefined) as Prisma.InputJsonValue | undefined,
        finishedAt: new Date(),
      },
    });
    if (lease) await tx.apiLock.deleteMany({ where: { apiId: lease.apiId, holder: lease.holder } });
    if (updated.count === 0) return false;
    const steps = await endUnfinishedSteps(tx, audit, deploymentId, finish.error);
    await appendAuditEvent(tx, finishEvent(audit, deploymentId, finish, steps));
    if (finish.status !== "succeeded") await announceDeploymentEnd(tx, deploymentId, finish, steps);
    return true;
  });
  lease?.released();
  return ended && { row: null };
}

/** finishDeployment in one statement, when every step's status is known (none pending or running). */
async function finishKnownSteps(
  db: PrismaClient,
  audit: AuditContext,
  deploymentId: string,
  finish: Finish & { steps: Record<string, number> },
  lease: ApiLease | undefined,
): Promise<false | { row: DeploymentRow | null }> {
  const { lastStep } = finish;
  const nothing = Prisma.sql`SELECT NULL WHERE FALSE`;
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  const [row] = await auditedStatement<{ stepRecorded: boolean; ended: boolean; finished: FinishedRow | null }>(
    db,
    (queue) => Prisma.sql`
      WITH step AS (${
        lastStep ? stepOutcomeUpdate(deploymentId, lastStep) : Prisma.sql`SELECT * FROM deployment_steps WHERE FALSE`
      }),
      ended AS (
        UPDATE deployments SET status = ${finish.status}, error = COALESCE(${json(finish.error)}::jsonb, error),
          result = COALESCE(${json(finish.result)}::jsonb, result), finished_at = ${new Date().toISOString()}::timestamptz
        WHERE id = ${deploymentId}::uuid AND status IN ('queued', 'running')
        RETURNING *
      ),
      released AS (${lease ? Prisma.sql`DELETE FROM api_locks WHERE api_id = ${lease.apiId}::uuid AND holder = ${lease.holder} RETURNING api_id` : nothing}),
      ${queue([
        ...(lastStep
          ? [{ event: stepEvent(audit, deploymentId, lastStep), when: Prisma.sql`EXISTS (SELECT 1 FROM step)` }]
          : []),
        {
          event: finishEvent(audit, deploymentId, finish, finish.steps),
          when: Prisma.sql`EXISTS (SELECT 1 FROM ended)`,
        },
      ])}
      SELECT EXISTS (SELECT 1 FROM step) AS "stepRecorded", EXISTS (SELECT 1 FROM ended) AS ended,
        -- The deployment and its steps as this statement leaves them (its own changes are not in its snapshot).
        (SELECT jsonb_build_object('deployment', to_jsonb(ended), 'steps', (
           SELECT jsonb_agg(to_jsonb(steps) ORDER BY steps.seq) FROM (
             SELECT * FROM step
             UNION ALL
             SELECT * FROM deployment_steps WHERE deployment_id = ${deploymentId}::uuid AND seq NOT IN (SELECT seq FROM step)
           ) steps))
         FROM ended) AS finished`,
    // One of four texts: with or without a last step and a lock (lib/db/driver-sql.ts). Its events
    // join the chain in the background, as the plan's and the start's did: nothing on the apply's
    // path reads them, and every reader chains what waits first (lib/audit/README.md, "Appending", 3).
    { prepared: true, chain: "background" },
  );
  lease?.released();
  if (lastStep && !row?.stepRecorded) logLateOutcome(deploymentId, lastStep);
  return row?.ended === true && { row: row.finished && deploymentRowOf(row.finished) };
}

function finishEvent(
  audit: AuditContext,
  deploymentId: string,
  { status, error, result }: Finish,
  steps: Record<string, number>,
): AuditInput {
  const applied = result && {
    profileVersion: result.profileVersion,
    policyEtag: result.policy?.etag ?? null,
    backendEtag: result.backend?.etag ?? null,
  };
  return deploymentEvent(audit, deploymentId, {
    action: "deployment.finish",
    after: { status, error, steps, applied },
    outcome: status === "succeeded" ? "success" : "failure",
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

/** `deployment.failed` or `deployment.conflicted` for the API's instance, with why and how far it got. */
async function announceDeploymentEnd(
  tx: AuditTx,
  deploymentId: string,
  finish: Finish,
  steps: Record<string, number>,
): Promise<void> {
  const { api, startedBy } = await tx.deployment.findUniqueOrThrow({
    where: { id: deploymentId },
    select: { startedBy: true, api: { select: { id: true, apimName: true, displayName: true, instanceId: true } } },
  });
  await publishEvent(tx, {
    type: finish.status === "conflicted" ? "deployment.conflicted" : "deployment.failed",
    instanceId: api.instanceId,
    data: {
      summary: `Deployment to ${api.displayName} ${finish.status}: ${finish.error?.message ?? "no reason recorded"}`,
      deploymentId,
      apiId: api.id,
      apimName: api.apimName,
      startedBy,
      error: finish.error,
      steps,
    },
  });
}
