import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { InstanceSettingsChangeView } from "./schemas";
import { settingsChangeApprovalState, settingsChangeInclude, toSettingsChangeView } from "./settings-change-state";

/**
 * Instance settings changes waiting for approval: pending, not rejected, without the approvals
 * their instance's applies need. At most one per instance; oldest first.
 */
export async function listSettingsChangesAwaitingApproval(ctx: RequestContext): Promise<InstanceSettingsChangeView[]> {
  await authorize(ctx, "config.read");
  const pending = await getDb().instanceSettingsChange.findMany({
    where: { status: "pending" },
    include: settingsChangeInclude,
    orderBy: { createdAt: "asc" },
  });
  const now = new Date();
  return pending
    .filter((change) => settingsChangeApprovalState(change, now).status === "waiting")
    .map((change) => toSettingsChangeView(change, ctx.actor, now));
}
