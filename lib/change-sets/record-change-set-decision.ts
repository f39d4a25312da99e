import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { ApprovalDecision } from "../deployments/approval/approval-decision";
import { auditExpiredApprovals } from "../deployments/approval/audit-expired-approvals";
import { assertReviewed, recordDecision } from "../deployments/approval/record-decision";
import { AppError } from "../errors";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ChangeSetView } from "./schemas";
import { assertNotSuperseded } from "./supersede-change-sets";
import { unchangedPlans, changeSetApprovalState, CHANGE_SET_APPROVALS, contributorsOfSet } from "./set-approval";

export interface ChangeSetDecisionInput extends ApprovalDecision {
  changeSetId: string;
  /** The hash of the set the decider read: refused when its plans are no longer those. */
  setHash?: string;
}

/**
 * Records an admin's approval or rejection of a whole change set, bound to the set's hash, under
 * the rules of a plan's approval (approval-rules.ts): the author's own approval, one by a writer of
 * an input any of its plans brings, and automation's (unless every instance of the set accepts it)
 * are refused rather than recorded.
 */
export async function recordChangeSetDecision(
  ctx: RequestContext,
  input: ChangeSetDecisionInput,
): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const set = await findChangeSetOrThrow(db, input.changeSetId);
  assertNotSuperseded(set, input.decision);
  const now = new Date();
  const state = changeSetApprovalState(set, now);
  await auditExpiredApprovals(db, set, state, now, CHANGE_SET_APPROVALS);
  assertReviewed(CHANGE_SET_APPROVALS, input.setHash, state.hash);
  if (state.required === 0)
    throw new AppError(
      "conflict",
      "This change set needs no approval: none of its instances requires approvals, or it has nothing to apply.",
    );
  if (set.status === "applying") throw new AppError("conflict", "This change set is being applied.");
  await unchangedPlans(db, set);
  await recordDecision(db, ctx, input, {
    subject: CHANGE_SET_APPROVALS,
    target: { id: set.id, hash: state.hash },
    author: { oid: set.createdByOid, name: set.createdBy },
    contributors: input.decision === "approved" ? await contributorsOfSet(db, set) : [],
    settings: state.settings,
    now,
    insert: (tx, row) => tx.changeSetApproval.create({ data: { changeSetId: set.id, setHash: state.hash, ...row } }),
  });
  return toChangeSetView(await findChangeSetOrThrow(db, set.id));
}
