import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordSettingsChangeDecision } from "./record-settings-change-decision";
import { settingsChangeIdSchema, settingsChangeRejectionInputSchema, type InstanceSettingsChangeView } from "./schemas";

const inputSchema = settingsChangeRejectionInputSchema.extend({ changeId: settingsChangeIdSchema });

/** An admin rejects a pending settings change with a reason (its author withdraws it so): it never applies. */
export async function rejectSettingsChange(ctx: RequestContext, input: unknown): Promise<InstanceSettingsChangeView> {
  const { changeId, changeHash, reason } = parseInput(inputSchema, input, "rejection");
  return recordSettingsChangeDecision(ctx, { changeId, decision: "rejected", reason, changeHash });
}
