import type { AuditInput } from "../audit/audit-input";
import { createProfilesChangeSet } from "../change-sets/create-profiles-change-set";
import { MAX_CHANGE_SET_APIS, type ChangeSetView } from "../change-sets/schemas";
import type { RequestContext } from "../auth/request-context";
import type { AccessProfile } from "../policy/profile-schema";

/**
 * The change sets giving these APIs one template version, owned by `ctx`'s actor: each API's
 * profile is saved from it (recording the version it came from) and planned, then reviewed,
 * approved and applied as any set. An API whose profile already came from this version is
 * unchanged. A set holds at most MAX_CHANGE_SET_APIS APIs (one request plans them all): more get
 * the version through several sets, in the order given, titled `… (part i of n)` and made one
 * after another (each plans its APIs concurrently). With `follow` (applyTemplate), each set's
 * APIs follow the template in the statement that stores that set, audited by the event `follow`
 * makes for it.
 */
export async function templateChangeSets(
  ctx: RequestContext,
  template: { id: string; name: string },
  version: { version: number; profile: AccessProfile },
  apiIds: readonly string[],
  follow?: (part: { changeSetId: string; apiIds: readonly string[] }) => AuditInput,
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
          title: `Apply profile template ${template.name} v${version.version}${part}`,
          profiles: ids.map((apiId) => ({ apiId, profile: version.profile })),
        },
        {
          change: { op: "applyTemplate", templateId: template.id, template: template.name, version: version.version },
          template: { id: template.id, name: template.name, version: version.version },
          ...(follow
            ? { follow: { templateId: template.id, event: (changeSetId) => follow({ changeSetId, apiIds: ids }) } }
            : {}),
        },
      ),
    );
  }
  return changeSets;
}
