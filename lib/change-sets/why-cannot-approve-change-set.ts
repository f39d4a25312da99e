import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { approvalRefusal, type ApprovalRefusal } from "../deployments/approval/approval-rules";
import { readPlanContributors } from "../deployments/approval/read-plan-contributors";
import { findChangeSetOrThrow } from "./find-change-set";
import { CHANGE_SET_APPROVALS, changeSetApprovalSettings, setPlanIds } from "./set-approval";

/**
 * Why the viewer's approval of this change set would be refused, before they try: the same rule
 * over the same reads as recordChangeSetDecision (its author, the settings of its instances, who
 * wrote the inputs of any of its plans), so the console offers no Approve the server would refuse
 * and says why instead. Null when their approval would be recorded. The server still refuses on
 * its own: this is a courtesy.
 */
export async function whyCannotApproveChangeSet(
  ctx: RequestContext,
  input: { changeSetId: string },
): Promise<ApprovalRefusal | null> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const set = await findChangeSetOrThrow(db, input.changeSetId);
  const contributors = await readPlanContributors(db, setPlanIds(set));
  return approvalRefusal(changeSetApprovalSettings(set), { oid: set.createdByOid, name: set.createdBy }, ctx.actor, {
    contributors: [...contributors.values()].flat(),
    noun: CHANGE_SET_APPROVALS.noun,
  });
}
