import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { countChangeSetsAwaitingApproval } from "../change-sets/change-sets-awaiting-approval";
import { countPlansAwaitingApproval } from "../deployments/plans-awaiting-approval";
import { countSettingsChangesAwaitingApproval } from "../instances/settings-changes-awaiting-approval";
import type { AwaitingKind } from "./list-awaiting-approval";

/** How many of each kind wait: each kind's count beside its list, sharing what "waiting" means with it. */
const counters: Record<AwaitingKind, () => Promise<number>> = {
  plans: countPlansAwaitingApproval,
  changeSets: countChangeSetsAwaitingApproval,
  settingsChanges: countSettingsChangesAwaitingApproval,
};

/**
 * The console header's count: how many plans, change sets and settings changes wait for
 * approval, the number of rows listAwaitingApproval lists, without reading what the lists show —
 * no plan's content unless its decisions could make it approved or rejected, no contributors but
 * of those, no views. Checks config.read.
 */
export async function countAwaitingApproval(ctx: RequestContext): Promise<number> {
  await authorize(ctx, "config.read");
  const counts = await Promise.all(Object.values(counters).map((count) => count()));
  return counts.reduce((sum, count) => sum + count, 0);
}
