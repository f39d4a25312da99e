import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { getDb, type PrismaClient } from "../db";
import { queueDeployment, type PlanToApply } from "../deployments/start-deployment";
import { planContentHash } from "../deployments/plan/plan-hash";
import { AppError } from "../errors";
import { log } from "../log";
import { CHANGE_SET_LEASE_MS, claimChangeSet, extendChangeSetLease } from "./change-set-lease";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ItemStatus } from "./schemas";
import { changeSetApprovalState, type ChangeSetRow } from "./set-approval";

export interface RunOptions {
  /** The lease owner startChangeSetApply took the set for; a new one takes over an expired lease. */
  owner?: string;
  concurrency?: number;
}

/**
 * Applies a change set's queued APIs, at most `concurrency` at once, each as a deployment of its
 * plan (the set's approval stands for the plan's). A failed API does not stop the others. Before
 * each API it checks, in the statement that marks the API running, that this process still holds
 * the set and nobody cancelled it, so a cancel stops the set between APIs. An API left running by
 * a process that stopped is applied again: a deployment of the same plan skips the steps done.
 * Ends the set (with its audit event) once no API is queued or running. Never rejects.
 */
export async function runChangeSet(ctx: RequestContext, changeSetId: string, options: RunOptions = {}): Promise<void> {
  const db = getDb();
  const owner = options.owner ?? randomUUID();
  try {
    if (!(await claimChangeSet(db, changeSetId, owner, new Date()))) return;
    const renew = setInterval(
      () =>
        void extendChangeSetLease(db, changeSetId, owner).catch((error: unknown) =>
          log.warn({ err: error, changeSetId }, "could not renew a change set's lease"),
        ),
      CHANGE_SET_LEASE_MS / 3,
    );
    try {
      const set = await findChangeSetOrThrow(db, changeSetId);
      await applyQueued(db, ctx, set, owner, options.concurrency ?? CHANGE_SET_CONCURRENCY);
      await finishChangeSet(db, ctx, set, owner);
    } finally {
      clearInterval(renew);
    }
  } catch (error) {
    // The lease expires and another process's scheduler resumes the set.
    log.error({ err: error, changeSetId, requestId: ctx.requestId }, "change set apply stopped by an unexpected error");
  }
}

async function applyQueued(
  db: PrismaClient,
  ctx: RequestContext,
  set: ChangeSetRow,
  owner: string,
  concurrency: number,
) {
  // Left running by a process that stopped first, then the queue in the order selected.
  const todo = [
    ...set.items.filter((item) => item.status === "running"),
    ...set.items.filter((item) => item.status === "queued"),
  ];
  const plans = new Map(
    (
      await db.plan.findMany({
        where: { id: { in: todo.flatMap((item) => (item.planId ? [item.planId] : [])) } },
        include: { api: { include: { instance: true } } },
      })
    ).map((plan) => [plan.id, plan]),
  );
  const approval = changeSetApprovalState(set, new Date());
  const evidence = {
    changeSetId: set.id,
    setHash: approval.hash,
    required: approval.required,
    approvedBy: approval.decisions
      .filter((decision) => decision.decision === "approved" && decision.notCountedBecause !== "superseded")
      .map((decision) => ({ type: decision.actorType, oid: decision.actorOid, name: decision.actorName })),
  };
  const worker = async () => {
    for (let item = todo.shift(); item; item = todo.shift()) {
      const plan = item.planId ? plans.get(item.planId) : undefined;
      if (plan) await applyItem(db, ctx, set.id, owner, plan, evidence);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
}

async function applyItem(
  db: PrismaClient,
  ctx: RequestContext,
  changeSetId: string,
  owner: string,
  plan: PlanToApply,
  evidence: { setHash: string; changeSetId: string; required: number; approvedBy: unknown[] },
): Promise<void> {
  const started = await db.$executeRaw`
    UPDATE change_set_items SET status = 'running', started_at = ${new Date()}, finished_at = NULL, error = NULL
     WHERE change_set_id = ${changeSetId}::uuid AND api_id = ${plan.apiId}::uuid AND status IN ('queued', 'running')
       AND EXISTS (SELECT 1 FROM change_sets
                    WHERE id = ${changeSetId}::uuid AND lease_owner = ${owner} AND cancel_requested_at IS NULL)`;
  if (started === 0) return; // cancelled, or this process lost the set
  let status: ItemStatus;
  let error: string | null = null;
  let deploymentId: string | null = null;
  try {
    const { deployment, run } = await queueDeployment(ctx, plan, {
      planHash: planContentHash(plan),
      approval: evidence,
    });
    deploymentId = deployment.id;
    const finished = await run();
    status = finished.status === "succeeded" ? "succeeded" : finished.status === "conflicted" ? "conflicted" : "failed";
    error = finished.error?.message ?? null;
  } catch (cause) {
    if (!(cause instanceof AppError))
      log.error({ err: cause, changeSetId, apiId: plan.apiId }, "change set API failed");
    status = "failed";
    error =
      cause instanceof AppError
        ? cause.message
        : `An internal error stopped this API (logged with request id ${ctx.requestId}); apply the change set again.`;
  }
  await db.changeSetItem.update({
    where: { changeSetId_apiId: { changeSetId, apiId: plan.apiId } },
    data: { status, error, deploymentId, finishedAt: new Date() },
  });
}

/**
 * Ends the set once none of its APIs is queued or running — finished, or cancelled when a cancel
 * was asked — and releases the lease, with the `change_set.apply.finish` event. A set with APIs
 * left (this process lost its lease) stays applying for the process that holds it now.
 */
async function finishChangeSet(db: PrismaClient, ctx: RequestContext, set: ChangeSetRow, owner: string) {
  await auditedTransaction(db, async (tx) => {
    const ended = await tx.$queryRaw<Array<{ status: string }>>`
      UPDATE change_sets
         SET status = CASE WHEN cancel_requested_at IS NULL THEN 'finished' ELSE 'cancelled' END,
             finished_at = ${new Date()}, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${set.id}::uuid AND lease_owner = ${owner}
         AND NOT EXISTS (SELECT 1 FROM change_set_items
                          WHERE change_set_id = ${set.id}::uuid AND status IN ('queued', 'running'))
      RETURNING status`;
    if (ended.length === 0) return;
    const counts = await tx.changeSetItem.groupBy({ by: ["status"], where: { changeSetId: set.id }, _count: true });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "change_set.apply.finish",
      target: { type: "change_set", id: set.id },
      after: {
        setHash: changeSetApprovalState(set, new Date()).hash,
        status: ended[0]!.status,
        counts: Object.fromEntries(counts.map((row) => [row.status, row._count])),
      },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
}
