import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordChangeSetDecision } from "./record-change-set-decision";
import { changeSetIdSchema, changeSetRejectionInputSchema, type ChangeSetView } from "./schemas";

const inputSchema = changeSetRejectionInputSchema.extend({ changeSetId: changeSetIdSchema });

/** An admin rejects a change set with a reason: it cannot be applied (a new set starts over). */
export async function rejectChangeSet(ctx: RequestContext, input: unknown): Promise<ChangeSetView> {
  const { changeSetId, setHash, reason } = parseInput(inputSchema, input, "rejection");
  return recordChangeSetDecision(ctx, { changeSetId, decision: "rejected", reason, setHash });
}
