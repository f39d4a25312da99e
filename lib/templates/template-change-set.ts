import { createProfilesChangeSet } from "../change-sets/create-profiles-change-set";
import type { ChangeSetView } from "../change-sets/schemas";
import type { RequestContext } from "../auth/request-context";
import type { AccessProfile } from "../policy/profile-schema";

/**
 * The change set giving these APIs one template version, owned by `ctx`'s actor: each API's
 * profile is saved from it (recording the version it came from) and planned, then reviewed,
 * approved and applied as any set. An API whose profile already came from this version is
 * unchanged.
 */
export function templateChangeSet(
  ctx: RequestContext,
  template: { id: string; name: string },
  version: { version: number; profile: AccessProfile },
  apiIds: readonly string[],
  /** Which of the sets giving one version to many followers this is (publishTemplateVersion). */
  part?: { part: number; of: number },
): Promise<ChangeSetView> {
  return createProfilesChangeSet(
    ctx,
    {
      title: `Apply profile template ${template.name} v${version.version}${part ? ` (part ${part.part} of ${part.of})` : ""}`,
      profiles: apiIds.map((apiId) => ({ apiId, profile: version.profile })),
    },
    {
      change: { op: "applyTemplate", templateId: template.id, template: template.name, version: version.version },
      template: { id: template.id, name: template.name, version: version.version },
    },
  );
}
