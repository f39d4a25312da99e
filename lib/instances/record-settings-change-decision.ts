import type { AuditTx } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { ApprovalDecision } from "../deployments/approval/approval-decision";
import { auditExpiredApprovals } from "../deployments/approval/audit-expired-approvals";
import { assertReviewed, recordDecision } from "../deployments/approval/record-decision";
import { AppError } from "../errors";
import { applyInstanceSettings } from "./apply-instance-settings";
import type { InstanceSettingsChangeView } from "./schemas";
import {
  findSettingsChangeOrThrow,
  settingsChangeApprovalState,
  SETTINGS_CHANGE_APPROVALS,
  settingsChangeExpired,
  type SettingsChangeRow,
  storedSettings,
  toSettingsChangeView,
} from "./settings-change-state";
import { FOUR_EYES_SETTINGS, fourEyesSettingsOf } from "./settings-protection";

export interface SettingsChangeDecisionInput extends ApprovalDecision {
  changeId: string;
  /** The hash of the change the decider read. */
  changeHash?: string;
}

/**
 * Records an admin's approval or rejection of a pending instance settings change, bound to its
 * hash, with its audit event, under the plan approval rules (approval-rules.ts) and the
 * instance's current settings: the author's own approval and automation's (unless the instance
 * accepts it now) are refused rather than recorded. The approval that completes the count applies
 * the change in the same transaction; a rejection (the author's too: a withdrawal) ends it.
 */
export async function recordSettingsChangeDecision(
  ctx: RequestContext,
  input: SettingsChangeDecisionInput,
): Promise<InstanceSettingsChangeView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const change = await findSettingsChangeOrThrow(db, input.changeId);
  const now = new Date();
  const state = settingsChangeApprovalState(change, now);
  await auditExpiredApprovals(db, change, { ...state, hash: change.changeHash }, now, SETTINGS_CHANGE_APPROVALS);
  assertReviewed(SETTINGS_CHANGE_APPROVALS, input.changeHash, change.changeHash);
  if (change.status !== "pending")
    throw new AppError("conflict", `This settings change is ${change.status}: there is nothing left to decide.`);
  // Past its expiry, before the job has marked it: as expired as if it had.
  if (settingsChangeExpired(change, now))
    throw new AppError("conflict", "This settings change expired unapproved: ask for it again.");
  await recordDecision(db, ctx, input, {
    subject: SETTINGS_CHANGE_APPROVALS,
    target: { id: change.id, hash: change.changeHash },
    author: { oid: change.requestedByOid, name: change.requestedBy },
    settings: change.instance,
    now,
    insert: (tx, row) =>
      tx.instanceSettingsChangeApproval.create({
        data: { changeId: change.id, changeHash: change.changeHash, ...row },
      }),
    alsoInTransaction: (tx) => endIfDecided(tx, ctx, change, now),
  });
  return toSettingsChangeView(await findSettingsChangeOrThrow(db, change.id), ctx.actor, new Date());
}

/** The decision just recorded may complete the approvals (the change applies) or reject the change (it ends). */
async function endIfDecided(tx: AuditTx, ctx: RequestContext, change: SettingsChangeRow, now: Date): Promise<void> {
  const decided = settingsChangeApprovalState(await findSettingsChangeOrThrow(tx, change.id), now);
  if (decided.status !== "approved" && decided.status !== "rejected") return;
  // Conditional, so two deciders at once end the change once.
  const { count } = await tx.instanceSettingsChange.updateMany({
    where: { id: change.id, status: "pending" },
    data: { status: decided.status === "approved" ? "applied" : "rejected", resolvedAt: now },
  });
  if (count === 0) throw new AppError("conflict", "This settings change was decided meanwhile: read it again.");
  if (decided.status === "rejected") return;
  const { before, after } = storedSettings(change);
  const current = fourEyesSettingsOf(await tx.instance.findUniqueOrThrow({ where: { id: change.instanceId } }));
  if (FOUR_EYES_SETTINGS.some((key) => current[key] !== before[key]))
    throw new AppError("conflict", "The instance's settings changed since this change was asked for: ask again.");
  const approvedBy = decided.decisions.filter((d) => d.counts && d.decision === "approved").map((d) => d.actorName);
  await applyInstanceSettings(
    tx,
    ctx,
    { instanceId: change.instanceId, before, after, approvedChange: { ...change, approvedBy } },
    now,
  );
}
