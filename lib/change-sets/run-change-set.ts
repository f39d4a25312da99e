import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma, type PrismaClient } from "../db";
import { driverSqlOf } from "../db/driver-sql";
import { queueDeploymentIf, type QueueGuard } from "../deployments/start-deployment";
import { AppError } from "../errors";
import { log } from "../log";
import { CHANGE_SET_LEASE_MS, claimChangeSet, extendChangeSetLease } from "./change-set-lease";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ItemStatus } from "./schemas";
import { changeSetApprovalState, readPlansOfSet, type ChangeSetRow, type PlanOfSet } from "./set-approval";

export interface RunOptions {
  /** The lease owner startChangeSetApply took the set for; a new one takes over an expired lease. */
  owner?: string;
  concurrency?: number;
  /**
   * The set as startChangeSetApply left it and its plans as it read and checked them: not read
   * again. Each API still starts only if the statement that marks it running finds it queued
   * (or running) and the set not cancelled, so a cancel asked since is obeyed.
   */
  held?: { set: ChangeSetRow; plans: ReadonlyMap<string, PlanOfSet> };
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
      const set = options.held?.set ?? (await findChangeSetOrThrow(db, changeSetId));
      await applyQueued(db, ctx, set, options.held?.plans, owner, options.concurrency ?? CHANGE_SET_CONCURRENCY);
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
  held: ReadonlyMap<string, PlanOfSet> | undefined,
  owner: string,
  concurrency: number,
) {
  // Left running by a process that stopped first, then the queue in the order selected.
  const todo = [
    ...set.items.filter((item) => item.status === "running"),
    ...set.items.filter((item) => item.status === "queued"),
  ];
  const plans = held ?? (await readPlansOfSet(db, todo));
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
    // Each API's outcome is written by the statement that marks the worker's next API running.
    let ended: ItemOutcome | null = null;
    for (let item = todo.shift(); item; item = todo.shift()) {
      const plan = item.planId ? plans.get(item.planId) : undefined;
      if (!plan) continue;
      ended = await applyItem(ctx, db, { changeSetId: set.id, owner, ended }, plan, evidence);
    }
    if (ended) await recordEnded(db, set.id, ended);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
}

interface ItemOutcome {
  apiId: string;
  status: ItemStatus;
  error: string | null;
  deploymentId: string | null;
}

/** Where a worker is: the set, the lease owner it applies it as, and its last API's outcome not yet written. */
interface WorkerPlace {
  changeSetId: string;
  owner: string;
  ended: ItemOutcome | null;
}

/**
 * WITH items that write the outcome of the API the worker applied before (`ended`) and mark
 * `apiId` running (`started`). Marking it running is conditional: it was queued (or left running
 * by a process that stopped), this process still holds the set and nobody cancelled it.
 */
function startSql({ changeSetId, owner, ended }: WorkerPlace, apiId: string): Prisma.Sql {
  return Prisma.sql`
    ${ended ? Prisma.sql`${endedSql(changeSetId, ended)},` : Prisma.empty}
    started AS (
      UPDATE change_set_items
         SET status = 'running', started_at = ${new Date().toISOString()}::timestamptz, finished_at = NULL, error = NULL
       WHERE change_set_id = ${changeSetId}::uuid AND api_id = ${apiId}::uuid AND status IN ('queued', 'running')
         AND EXISTS (SELECT 1 FROM change_sets
                      WHERE id = ${changeSetId}::uuid AND lease_owner = ${owner} AND cancel_requested_at IS NULL)
      RETURNING api_id
    )`;
}

/** startSql's change alone, for an API whose deployment was refused before it was queued: false when it did not start. */
async function startItem(db: PrismaClient, place: WorkerPlace, apiId: string): Promise<boolean> {
  const [row] = await driverSqlOf(db).query<{ started: boolean }>(
    Prisma.sql`WITH ${startSql(place, apiId)} SELECT EXISTS (SELECT 1 FROM started) AS started`,
    { prepared: true },
  );
  return row?.started === true;
}

/** Writes the outcome of a worker's last API. */
async function recordEnded(db: PrismaClient, changeSetId: string, ended: ItemOutcome): Promise<void> {
  await driverSqlOf(db).query(Prisma.sql`WITH ${endedSql(changeSetId, ended)} SELECT 1 AS done`, { prepared: true });
}

function endedSql(changeSetId: string, ended: ItemOutcome): Prisma.Sql {
  return Prisma.sql`ended AS (
    UPDATE change_set_items
       SET status = ${ended.status}, error = ${ended.error}, deployment_id = ${ended.deploymentId}::uuid,
           finished_at = ${new Date().toISOString()}::timestamptz
     WHERE change_set_id = ${changeSetId}::uuid AND api_id = ${ended.apiId}::uuid
  )`;
}

/**
 * Applies one API as a deployment of its plan, queued by the statement that marks the API running
 * and writes the worker's last outcome (`place.ended`); its outcome, never a rejection. Null when
 * it did not start (cancelled, or the set is no longer this process's). A deployment refused
 * before it was queued (or whose statement failed: nothing written) starts the API alone, and it
 * fails with the reason.
 */
async function applyItem(
  ctx: RequestContext,
  db: PrismaClient,
  place: WorkerPlace,
  { plan, hash }: PlanOfSet,
  evidence: { setHash: string; changeSetId: string; required: number; approvedBy: unknown[] },
): Promise<ItemOutcome | null> {
  const guard: QueueGuard = {
    items: Prisma.sql`${startSql(place, plan.apiId)},`,
    holds: Prisma.sql`EXISTS (SELECT 1 FROM started)`,
  };
  const failed = (cause: unknown): ItemOutcome => {
    if (!(cause instanceof AppError))
      log.error({ err: cause, changeSetId: place.changeSetId, apiId: plan.apiId }, "change set API failed");
    const error =
      cause instanceof AppError
        ? cause.message
        : `An internal error stopped this API (logged with request id ${ctx.requestId}); apply the change set again.`;
    return { apiId: plan.apiId, status: "failed", error, deploymentId: null };
  };
  let queued;
  try {
    queued = await queueDeploymentIf(ctx, plan, { planHash: hash, approval: evidence }, guard);
  } catch (cause) {
    return (await startItem(db, place, plan.apiId)) ? failed(cause) : null;
  }
  if (!queued) return null;
  try {
    const finished = await queued.run();
    const status =
      finished.status === "succeeded" ? "succeeded" : finished.status === "conflicted" ? "conflicted" : "failed";
    return { apiId: plan.apiId, status, error: finished.error?.message ?? null, deploymentId: queued.deployment.id };
  } catch (cause) {
    return failed(cause);
  }
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
