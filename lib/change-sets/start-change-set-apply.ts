import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { isUuid } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { countingApprovers } from "../deployments/approval/approval-rules";
import { assertApproved } from "../deployments/approval/assert-approved";
import { auditExpiredApprovals } from "../deployments/approval/audit-expired-approvals";
import { AppError } from "../errors";
import { CHANGE_SET_LEASE_MS } from "./change-set-lease";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import { runChangeSet } from "./run-change-set";
import { storedSetVariables, writeSetVariables } from "./set-variables";
import type { ChangeSetView } from "./schemas";
import { assertNotSuperseded } from "./supersede-change-sets";
import {
  changeSetApprovalState,
  CHANGE_SET_APPROVALS,
  readPlansOfChangeSet,
  refuseChangedPlans,
  type ChangeSetRow,
  type PlanOfSet,
} from "./set-approval";

/** What a (re-)run applies: never applied yet, failed, or cancelled before it started. */
const TO_APPLY = ["planned", "failed", "cancelled"];

export interface StartedChangeSet {
  changeSet: ChangeSetView;
  /** Applies the queued APIs; schedule it after responding (`after(run)`). Never rejects. */
  run: (options?: { concurrency?: number }) => Promise<void>;
}

/**
 * Starts applying a change set: refuses one without the approvals its instances require (409
 * `approval-required`, audited), queues every API not yet applied or that failed (a re-run leaves
 * what succeeded alone) and returns at once. The first apply of a set that changes environment
 * variables writes them in the transaction that starts it (409 `variables-changed` when one
 * changed since the set was made). The APIs are applied by `run`, or, if this process stops, by
 * the scheduler of any process once the lease it took here expires.
 */
export async function startChangeSetApply(
  ctx: RequestContext,
  input: { changeSetId: string },
): Promise<StartedChangeSet> {
  await authorize(ctx, "config.write");
  const db = getDb();
  // The plans are read by the set's id beside the set, not after it (bench/README.md, `csserial`).
  const [set, read] = await Promise.all([
    findChangeSetOrThrow(db, input.changeSetId),
    isUuid(input.changeSetId) ? readPlansOfChangeSet(db, input.changeSetId) : new Map<string, PlanOfSet>(),
  ]);
  assertNotSuperseded(set, "applied");
  if (set.status === "applying") throw new AppError("conflict", "This change set is already being applied.");
  const plans = refuseChangedPlans(set, read);
  const now = new Date();
  const approval = changeSetApprovalState(set, now);
  await auditExpiredApprovals(db, set, approval, now, CHANGE_SET_APPROVALS);
  await assertApproved(db, ctx, CHANGE_SET_APPROVALS, set.id, approval);
  const toApply = set.items.filter((item) => TO_APPLY.includes(item.status));
  // Written once, by the first apply: a re-run finds them written.
  const variables = set.applyStartedAt === null ? storedSetVariables(set) : null;
  if (toApply.length === 0 && !variables)
    throw new AppError(
      "conflict",
      "Nothing in this change set is left to apply: every API succeeded, is blocked, has nothing to change, or conflicted (make a new change set for those).",
    );
  const owner = randomUUID();
  const applying = {
    status: "applying",
    applyStartedAt: now,
    applyStartedBy: ctx.actor.name,
    cancelRequestedAt: null,
    finishedAt: null,
    leaseOwner: owner,
    leaseExpiresAt: new Date(now.getTime() + CHANGE_SET_LEASE_MS),
  };
  const queued = { status: "queued", error: null, startedAt: null, finishedAt: null };
  await auditedTransaction(db, async (tx) => {
    // Conditional: of two applies started at once, one starts the set; a newer set superseding it
    // meanwhile wins over its first apply.
    const started = await tx.changeSet.updateMany({
      where: { id: set.id, status: { notIn: ["applying", "superseded"] } },
      data: applying,
    });
    if (started.count === 0) {
      assertNotSuperseded(await findChangeSetOrThrow(tx, set.id), "applied");
      throw new AppError("conflict", "This change set is already being applied.");
    }
    if (variables) await writeSetVariables(tx, ctx, { id: set.id, hash: approval.hash, variables });
    await tx.changeSetItem.updateMany({ where: { changeSetId: set.id, status: { in: TO_APPLY } }, data: queued });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "change_set.apply.start",
      target: { type: "change_set", id: set.id },
      after: {
        setHash: approval.hash,
        apis: toApply.length,
        ...(variables ? { variables: variables.changes.length } : {}),
        rerun: set.applyStartedAt !== null,
        approval: {
          required: approval.required,
          approvedBy: countingApprovers(approval),
        },
      },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
  // The set as the transaction left it: nothing to read back, and the run starts from it.
  const started: ChangeSetRow = {
    ...set,
    ...applying,
    items: set.items.map((item) => (TO_APPLY.includes(item.status) ? { ...item, ...queued } : item)),
  };
  return {
    changeSet: toChangeSetView(started),
    run: (options = {}) => runChangeSet(ctx, set.id, { ...options, owner, held: { set: started, plans } }),
  };
}
