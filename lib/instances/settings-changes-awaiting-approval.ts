import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { InstanceSettingsChangeView } from "./schemas";
import { settingsChangeApprovalState, settingsChangeInclude, toSettingsChangeView } from "./settings-change-state";

/**
 * Instance settings changes waiting for approval: pending, not expired, not rejected, without the approvals
 * their instance's applies need. At most one per instance; oldest first. Read through
 * listAwaitingApproval (lib/approvals), which checks config.read once for every kind it reads.
 */
export async function settingsChangesAwaitingApproval(ctx: RequestContext): Promise<InstanceSettingsChangeView[]> {
  const now = new Date();
  return (await waitingSettingsChanges(now)).map((change) => toSettingsChangeView(change, ctx.actor, now));
}

/**
 * How many settings changes settingsChangesAwaitingApproval lists, for the console header's count:
 * the same rows (at most one per instance, nothing else read), not made into views.
 */
export async function countSettingsChangesAwaitingApproval(): Promise<number> {
  return (await waitingSettingsChanges(new Date())).length;
}

async function waitingSettingsChanges(now: Date) {
  const pending = await getDb().instanceSettingsChange.findMany({
    // Not one past its expiry, though the job may not have marked it expired yet.
    where: { status: "pending", expiresAt: { gt: now } },
    include: settingsChangeInclude,
    orderBy: { createdAt: "asc" },
  });
  return pending.filter((change) => settingsChangeApprovalState(change, now).status === "waiting");
}
