import { randomUUID } from "node:crypto";
import { auditedStatement } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { log } from "../log";
import { verifyAndRecord } from "../verification/verify-api-access";
import { assertApproved } from "./approval/assert-approved";
import { countingApprovers } from "./approval/approval-rules";
import { PLAN_APPROVALS } from "./approval/approval-subject";
import { auditExpiredApprovals } from "./approval/audit-expired-approvals";
import { planApprovalState } from "./approval/plan-approval-state";
import { approverContributorsOf } from "./approval/read-plan-contributors";
import { claimInQueueSql, type ClaimRow } from "./apply/claim-deployment";
import { firstStepToMark, runDeployment, type ClaimedAtQueue, type QueuedDeployment } from "./apply/run-deployment";
import { toDeploymentView } from "./deployment-view";
import { readPlanToStart } from "./plan/read-plan-to-start";
import { takeRecentPlan, unchangedSinceStoredSql, type RecentPlan } from "./plan/recent-plans";
import { storedDesiredState, storedDiff, storedOperations } from "./plan/stored-plan";
import type { DeploymentView } from "./schemas";

export interface StartedDeployment {
  /**
   * The deployment as written: running with the API's lock taken for `run` (its first step
   * running when nothing needs reading before it), or queued, every step pending, while another
   * apply of the API holds the lock.
   */
  deployment: DeploymentView;
  /**
   * Carries it out; schedule it after responding (`after(run)` from next/server) or await it.
   * Resolves with the finished deployment and never rejects: failures are recorded on it.
   */
  run: () => Promise<DeploymentView>;
}

/**
 * Starts an apply of a plan and returns at once, so the console can show progress and REST can
 * answer 202. Applying a plan again is allowed: steps an earlier deployment of it carried out
 * are skipped, the rest run (see README.md).
 */
export async function startDeployment(ctx: RequestContext, input: { planId: string }): Promise<StartedDeployment> {
  await authorize(ctx, "config.write");
  const recent = takeRecentPlan(input.planId);
  const started = recent && (await startRecentPlan(ctx, recent));
  if (started) return started;
  const db = getDb();
  const plan = await readPlanToStart(input.planId);
  const now = new Date();
  const approval = planApprovalState(plan, now, { contributors: await approverContributorsOf(db, plan) });
  await auditExpiredApprovals(db, plan, approval, now);
  await assertApproved(db, ctx, PLAN_APPROVALS, plan.id, approval);
  return queueDeployment(ctx, plan, approvalEvidence(approval));
}

/**
 * startDeployment of a plan this process just stored (recent-plans.ts) that needs no approval, in
 * one statement that holds only while the database still holds the plan as stored: no decision,
 * no settings, no row changed since. Null when it needs approval or no longer holds: the caller
 * then reads the plan and judges it as stored now.
 */
async function startRecentPlan(ctx: RequestContext, recent: RecentPlan): Promise<StartedDeployment | null> {
  const { plan, hash } = recent;
  const approval = planApprovalState(plan, new Date(), { contributors: [], hash });
  if (approval.status !== "not_required") return null;
  return queueDeploymentIf(ctx, plan, approvalEvidence(approval), unchangedSinceStoredSql(recent));
}

/** What `deployment.start` records of the plan's approval: its hash, and who counted. */
function approvalEvidence(approval: ReturnType<typeof planApprovalState>) {
  return {
    planHash: approval.hash,
    approval: { required: approval.required, approvedBy: countingApprovers(approval) },
  };
}

/** The plan row queueDeployment needs (as startDeployment reads it). */
export type PlanToApply = Prisma.PlanGetPayload<{
  include: { api: { include: { instance: true } } };
}>;

/**
 * Queues an apply of a plan whose approval was already decided — by the plan's own approvals
 * (startDeployment) or by a change set's (lib/change-sets) — after refusing plans with lint errors
 * or blocking effective-access findings. `evidence.approval` is recorded in `deployment.start`.
 */
export async function queueDeployment(
  ctx: RequestContext,
  plan: PlanToApply,
  evidence: { planHash: string; approval: Record<string, unknown> },
): Promise<StartedDeployment> {
  return (await queueDeploymentIf(ctx, plan, evidence, null))!;
}

/**
 * Another change the statement that queues a deployment makes first, and the condition over it
 * under which the deployment is queued: a change set marks its API running (when its apply still
 * holds the set and nobody cancelled it) in the statement that queues the API's deployment, one
 * round trip fewer per API (bench/README.md, change-set-200, `csserial`).
 */
export interface QueueGuard {
  /** WITH items, each followed by a comma. */
  items: Prisma.Sql;
  /** A condition over them: false, and nothing is queued nor audited. */
  holds: Prisma.Sql;
}

/**
 * queueDeployment, in the statement that makes `guard`'s change and only when its condition
 * holds: null when it did not (nothing queued). Refusals (AppError) are thrown before anything is
 * written; a statement that fails writes nothing, `guard`'s change included.
 */
export async function queueDeploymentIf(
  ctx: RequestContext,
  plan: PlanToApply,
  evidence: { planHash: string; approval: Record<string, unknown> },
  guard: QueueGuard | null,
): Promise<StartedDeployment | null> {
  const db = getDb();
  const diff = storedDiff(plan);
  const errors = diff.lint.findings.filter((finding) => finding.severity === "error");
  if (errors.length > 0) {
    const listed = errors.map((finding) => `${finding.code} (line ${finding.line}): ${finding.message}`).join("; ");
    throw new AppError(
      "conflict",
      `This plan cannot be applied: the resulting policy has lint errors: ${listed}. Fix the profile or the policy in APIM and make a new plan.`,
      {
        details: { findings: errors },
      },
    );
  }
  const access = diff.effectiveAccess;
  if (access?.blocking) {
    const blocking = access.findings.filter((finding) => finding.severity === "blocking");
    const listed = blocking
      .map(
        (finding) =>
          `${finding.code} (${finding.scope} policy${finding.scopeId ? ` ${finding.scopeId}` : ""}, line ${finding.line}): ${finding.message.replace(/\.$/, "")}`,
      )
      .join("; ");
    throw new AppError(
      "effective-access-blocked",
      `This plan cannot be applied: another policy scope would undo the access profile: ${listed}. Fix the policy in APIM and make a new plan.`,
      { details: { findings: blocking } },
    );
  }
  // Both are parsed before anything is written, so a plan changed outside Portcullis starts nothing.
  const operations = storedOperations(plan);
  const desired = storedDesiredState(plan);
  // What the run needs is what this use case already read: it does not read it again.
  const queued: QueuedDeployment = {
    id: randomUUID(),
    planId: plan.id,
    apiId: plan.apiId,
    apimName: plan.api.apimName,
    instance: plan.api.instance,
    operations,
    desired,
  };
  // One statement: the deployment, its steps and its event, and the claim its run would make
  // first — the API's lock when it is free (claimInQueueSql) — so the common apply sends one
  // statement fewer (an apply's database work is its cost, see bench/README.md). Every value is
  // chosen here, so nothing needs reading back but the claim's reads and the first step's start.
  const holder = randomUUID();
  const firstStep = firstStepToMark(queued);
  const holds = guard?.holds ?? Prisma.sql`TRUE`;
  const claim = claimInQueueSql(queued, holder, holds);
  const deployment = {
    id: queued.id,
    planId: plan.id,
    apiId: plan.apiId,
    status: "queued",
    error: null,
    result: null,
    startedAt: new Date(),
    finishedAt: null,
    startedBy: ctx.actor.name,
    requestId: ctx.requestId,
  };
  const steps = operations.map((operation) => ({
    id: randomUUID(),
    deploymentId: deployment.id,
    seq: operation.seq,
    kind: operation.kind,
    target: operation.target,
    status: "pending",
    ifMatch: operation.expected === "absent" ? null : operation.expected.etag,
    etagAfter: null,
    httpStatus: null,
    armRequestIds: [],
    armCorrelationId: null,
    error: null,
    note: null,
    startedAt: null,
    finishedAt: null,
  }));
  const pendingSteps = JSON.stringify(
    steps.map(({ id, seq, kind, target, ifMatch }) => ({ id, seq, kind, target, ifMatch })),
  );
  // The first step is written running as claimDeployment would mark it, stamped with the
  // database's clock (the statement may have waited for the previous holder's release).
  const marked = firstStep
    ? Prisma.sql`((step->>'seq')::int = ${firstStep.seq}::int AND ${claim.firstStepRunning})`
    : Prisma.sql`FALSE`;
  const [stored] = await auditedStatement<
    Omit<ClaimRow, "firstStepRunning"> & { queued: boolean; firstStepStartedAt: Date | string | null }
  >(
    db,
    (queue) => Prisma.sql`
      WITH ${guard?.items ?? Prisma.empty}
      ${claim.items}
      created AS (
        INSERT INTO deployments (id, plan_id, api_id, status, started_at, started_by, request_id)
        SELECT ${deployment.id}::uuid, ${plan.id}::uuid, ${plan.apiId}::uuid,
          CASE WHEN ${claim.claimed} THEN 'running' ELSE 'queued' END,
          ${deployment.startedAt.toISOString()}::timestamptz, ${deployment.startedBy}, ${deployment.requestId}
        WHERE ${holds}
        RETURNING id
      ),
      steps AS (
        INSERT INTO deployment_steps (id, deployment_id, seq, kind, target, status, if_match, started_at,
          arm_correlation_id)
        SELECT (step->>'id')::uuid, created.id, (step->>'seq')::int, step->>'kind', step->>'target',
          CASE WHEN ${marked} THEN 'running' ELSE 'pending' END, step->>'ifMatch',
          CASE WHEN ${marked} THEN clock_timestamp() END,
          CASE WHEN ${marked} THEN ${firstStep?.correlationId ?? null}::text END
        FROM created, jsonb_array_elements(${pendingSteps}::jsonb) AS step
        RETURNING started_at
      ),
      ${queue([
        {
          ...(guard ? { when: Prisma.sql`EXISTS (SELECT 1 FROM created)` } : {}),
          event: {
            actor: ctx.actor,
            action: "deployment.start",
            target: { type: "deployment", id: deployment.id },
            after: {
              planId: plan.id,
              planHash: evidence.planHash,
              apiId: plan.apiId,
              steps: operations.length,
              summary: diff.summary,
              approval: evidence.approval,
            },
            outcome: "success",
            requestId: ctx.requestId,
            clientIp: ctx.clientIp,
          },
        },
      ])}
      SELECT EXISTS (SELECT 1 FROM created) AS queued, ${claim.claimedColumns},
        (SELECT started_at FROM steps WHERE started_at IS NOT NULL) AS "firstStepStartedAt"`,
    // The steps travel as one JSON parameter: one text (lib/db/driver-sql.ts). The caller goes on
    // to the claim and write while the start's event joins the chain: readers chain what waits
    // first, and a run after it chains it ahead of the steps and the end (lib/audit/README.md, point 3).
    { prepared: true, chain: "background" },
  );
  if (!stored?.queued) return null;
  // The first step was written running when its start was returned (with no first step to mark, none is).
  const firstStepStartedAt = stored.firstStepStartedAt === null ? null : new Date(stored.firstStepStartedAt);
  const firstStepRunning = firstStepStartedAt !== null;
  // The claim is the first run's: running it again claims as runDeployment says (it does nothing).
  let claimedAtQueue: ClaimedAtQueue | null = stored.taken
    ? { holder, firstStep, row: { ...stored, firstStepRunning } }
    : null;
  const run = async () => {
    const claimed = claimedAtQueue;
    claimedAtQueue = null;
    const finished = await runDeployment(ctx, queued, claimed);
    if (finished.status === "succeeded" && plan.api.instance.verifyAfterApply) await verifyAfterApply(ctx, plan.api);
    return finished;
  };
  const written = steps.map((step) =>
    firstStepRunning && step.seq === firstStep?.seq
      ? { ...step, status: "running", startedAt: firstStepStartedAt, armCorrelationId: firstStep.correlationId }
      : step,
  );
  return {
    deployment: toDeploymentView({ ...deployment, status: stored.taken ? "running" : "queued", steps: written }),
    run,
  };
}

/**
 * The instance asks for proof after every successful apply: the API is verified (stored and
 * audited like any verification). Its outcome is the verification's, not the deployment's: a
 * failure to verify is logged and the deployment stays succeeded.
 */
async function verifyAfterApply(ctx: RequestContext, api: Parameters<typeof verifyAndRecord>[1]): Promise<void> {
  try {
    await verifyAndRecord(ctx, api);
  } catch (error) {
    log.error({ err: error, apiId: api.id }, "verification after apply failed");
  }
}
