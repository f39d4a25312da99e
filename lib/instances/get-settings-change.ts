import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { InstanceSettingsChangeView } from "./schemas";
import { findSettingsChangeOrThrow, toSettingsChangeView } from "./settings-change-state";

/** One instance settings change with its approvals, as REST callers poll it. */
export async function getSettingsChange(
  ctx: RequestContext,
  input: { changeId: string },
): Promise<InstanceSettingsChangeView> {
  await authorize(ctx, "config.read");
  return toSettingsChangeView(await findSettingsChangeOrThrow(getDb(), input.changeId), ctx.actor, new Date());
}
