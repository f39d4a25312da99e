import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { listChangeSetsAwaitingApproval } from "../change-sets/list-change-sets-awaiting-approval";
import type { ChangeSetAwaitingApproval } from "../change-sets/schemas";
import { listPlansAwaitingApproval } from "../deployments/list-plans-awaiting-approval";
import type { PlanAwaitingApproval } from "../deployments/schemas";
import { listSettingsChangesAwaitingApproval } from "../instances/list-settings-changes-awaiting-approval";
import type { InstanceSettingsChangeView } from "../instances/schemas";

export interface AwaitingApproval {
  plans: PlanAwaitingApproval[];
  changeSets: ChangeSetAwaitingApproval[];
  settingsChanges: InstanceSettingsChangeView[];
  /** How many wait in all, as the console's header shows it. */
  count: number;
}

/**
 * Everything waiting for an admin's approval: plans, change sets (one approval for all their APIs)
 * and changes lowering an instance's approval settings, each list oldest first and marking the
 * viewer's own. The "Waiting for approval" page, the header's count and the REST lists all read
 * it here, so they cannot disagree on what waits; each kind's rules stay with its feature.
 */
export async function listAwaitingApproval(ctx: RequestContext): Promise<AwaitingApproval> {
  await authorize(ctx, "config.read");
  const [plans, changeSets, settingsChanges] = await Promise.all([
    listPlansAwaitingApproval(ctx),
    listChangeSetsAwaitingApproval(ctx),
    listSettingsChangesAwaitingApproval(ctx),
  ]);
  return { plans, changeSets, settingsChanges, count: plans.length + changeSets.length + settingsChanges.length };
}
