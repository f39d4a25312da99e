import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { recordSettingsChangeDecision } from "./record-settings-change-decision";
import { settingsChangeApprovalInputSchema, settingsChangeIdSchema, type InstanceSettingsChangeView } from "./schemas";

const inputSchema = settingsChangeApprovalInputSchema.extend({ changeId: settingsChangeIdSchema });

/** An admin other than its author approves a pending settings change; the last approval needed applies it. */
export async function approveSettingsChange(ctx: RequestContext, input: unknown): Promise<InstanceSettingsChangeView> {
  const { changeId, changeHash } = parseInput(inputSchema, input, "approval");
  return recordSettingsChangeDecision(ctx, { changeId, decision: "approved", reason: null, changeHash });
}
