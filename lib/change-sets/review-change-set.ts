import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { approvalRefusal, type ApprovalRefusal } from "../deployments/approval/approval-rules";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ChangeSetView } from "./schemas";
import { CHANGE_SET_APPROVALS, changeSetApprovalSettings, contributorsOfSet } from "./set-approval";

export interface ChangeSetReview {
  set: ChangeSetView;
  /**
   * Why the viewer's approval would be refused, before they try: the same rule over the same reads
   * as recordChangeSetDecision (its author, the settings of its instances, who wrote the inputs of
   * any of its plans), so the console offers no Approve the server would refuse and says why
   * instead. Null when their approval would be recorded. Asked only where a decision is offered:
   * it reads the contributors of the set's plans, on the set already read. The server still
   * refuses on its own: this is a courtesy.
   */
  whyCannotApprove: () => Promise<ApprovalRefusal | null>;
}

/**
 * A change set as its console page shows it, read once for both what it shows and why the viewer
 * may not approve it (getChangeSet and a second read of the set before).
 */
export async function reviewChangeSet(ctx: RequestContext, input: { changeSetId: string }): Promise<ChangeSetReview> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const set = await findChangeSetOrThrow(db, input.changeSetId);
  return {
    set: toChangeSetView(set),
    whyCannotApprove: async () => {
      const contributors = await contributorsOfSet(db, set);
      return approvalRefusal(
        changeSetApprovalSettings(set),
        { oid: set.createdByOid, name: set.createdBy },
        ctx.actor,
        { contributors, noun: CHANGE_SET_APPROVALS.noun },
      );
    },
  };
}
