import type { AuditInput } from "../audit/audit-input";
import { createProfilesChangeSet } from "../change-sets/create-profiles-change-set";
import { MAX_CHANGE_SET_APIS, type ChangeSetView } from "../change-sets/schemas";
import type { RequestContext } from "../auth/request-context";

/**
 * The change sets giving these APIs one template version, owned by `ctx`'s actor: each API's
 * profile is saved from it (recording the version it came from) and planned, then reviewed,
 * approved and applied as any set. An API whose profile already came from this version is
 * unchanged. Each API follows the template from then on: one that did not yet starts following
 * it in the statement that stores the set, with its `api.template.follow` event (a set that fails
 * leaves none following), unless its version is refused (then it is blocked in the set and
 * follows nothing new). A set holds at most MAX_CHANGE_SET_APIS APIs (one request plans them all):
 * more get the version through several sets, in the order given, titled `… (part i of n)` and
 * made one after another (each plans its APIs concurrently). `events` (applyTemplate's) are stored
 * with each set, given its id and its APIs.
 */
export async function templateChangeSets(
  ctx: RequestContext,
  template: { id: string; name: string },
  version: number,
  apiIds: readonly string[],
  events?: (part: { changeSetId: string; apiIds: readonly string[] }) => AuditInput,
): Promise<ChangeSetView[]> {
  const parts = Array.from({ length: Math.ceil(apiIds.length / MAX_CHANGE_SET_APIS) }, (_, i) =>
    apiIds.slice(i * MAX_CHANGE_SET_APIS, (i + 1) * MAX_CHANGE_SET_APIS),
  );
  const changeSets: ChangeSetView[] = [];
  for (const [index, ids] of parts.entries()) {
    const part = parts.length > 1 ? ` (part ${index + 1} of ${parts.length})` : "";
    changeSets.push(
      await createProfilesChangeSet(
        ctx,
        {
          title: `Apply profile template ${template.name} v${version}${part}`,
          // A template reference: the profile is that version's, and the API follows the template.
          profiles: ids.map((apiId) => ({ apiId, template: { name: template.name, version } })),
        },
        {
          change: { op: "applyTemplate", templateId: template.id, template: template.name, version },
          template: { id: template.id, name: template.name, version },
          ...(events ? { events: (changeSetId: string) => [events({ changeSetId, apiIds: ids })] } : {}),
        },
      ),
    );
  }
  return changeSets;
}
