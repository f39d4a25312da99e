import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordChangeSetDecision } from "./record-change-set-decision";
import { changeSetApprovalInputSchema, changeSetIdSchema, type ChangeSetView } from "./schemas";

const inputSchema = changeSetApprovalInputSchema.extend({ changeSetId: changeSetIdSchema });

/** An admin other than the set's author approves the whole set, bound to its hash. */
export async function approveChangeSet(ctx: RequestContext, input: unknown): Promise<ChangeSetView> {
  const { changeSetId, setHash } = parseInput(inputSchema, input, "approval");
  return recordChangeSetDecision(ctx, { changeSetId, decision: "approved", reason: null, setHash });
}
