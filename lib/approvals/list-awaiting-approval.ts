import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { changeSetsAwaitingApproval } from "../change-sets/change-sets-awaiting-approval";
import { plansAwaitingApproval } from "../deployments/plans-awaiting-approval";
import { settingsChangesAwaitingApproval } from "../instances/settings-changes-awaiting-approval";

/** Each kind of thing that waits for approval, and how it is read (the kind's rules stay with its feature). */
const readers = {
  plans: plansAwaitingApproval,
  changeSets: changeSetsAwaitingApproval,
  settingsChanges: settingsChangesAwaitingApproval,
};

export type AwaitingKind = keyof typeof readers;
export const AWAITING_KINDS = Object.keys(readers) as AwaitingKind[];

/** The lists of the kinds read. */
export type AwaitingApproval<K extends AwaitingKind = AwaitingKind> = {
  [P in K]: Awaited<ReturnType<(typeof readers)[P]>>;
};

/**
 * What waits for an admin's approval: plans, change sets (one approval for all their APIs) and
 * changes lowering an instance's approval settings, each list oldest first and marking the
 * viewer's own. The "Waiting for approval" page reads every kind; each REST list and the
 * instances page read only their own (`kinds`), so a list costs its own reads alone. They all read
 * it here, so they cannot disagree on what waits; config.read is checked once, whatever the kinds.
 * The header's count is countAwaitingApproval: each kind's count shares its list's definition.
 */
export async function listAwaitingApproval<K extends AwaitingKind = AwaitingKind>(
  ctx: RequestContext,
  kinds: readonly K[] = AWAITING_KINDS as K[],
): Promise<AwaitingApproval<K>> {
  await authorize(ctx, "config.read");
  const lists = await Promise.all(kinds.map((kind): Promise<unknown[]> => readers[kind](ctx)));
  return Object.fromEntries(kinds.map((kind, index) => [kind, lists[index]])) as AwaitingApproval<K>;
}
