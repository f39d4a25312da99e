import { isDeepStrictEqual } from "node:util";
import { limitConcurrency } from "../apim";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { profileEtag } from "../profiles/profile-etag";
import type { TemplateOrigin } from "../profiles/schemas";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import { parseInput } from "../validation";
import type { ChangeSetChange } from "./change-schema";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import {
  findApisWithProfile,
  recordChangeSet,
  saveAndPlan,
  type ApiWithProfile,
  type PreparedItem,
} from "./create-change-set";
import { createProfilesChangeSetInputSchema, type ChangeSetView } from "./schemas";

type DesiredProfile = ReturnType<typeof createProfilesChangeSetInputSchema.parse>["profiles"][number];

/**
 * A change set where each API gets its own desired profile (profiles as code: `portcullis plan`
 * sends the files of a directory). The profile is saved as written, so saveAccessProfile resolves
 * its `${name}` variables with the API's instance's environment exactly as promotion does, then
 * planned like any set's; an API whose profile already is this one is `unchanged` (nothing saved).
 * `fromTemplate` (lib/templates only, never a request's body): the profiles are one template
 * version's, recorded on each version saved, and the set says so.
 */
export async function createProfilesChangeSet(
  ctx: RequestContext,
  input: unknown,
  fromTemplate?: { change: ChangeSetChange & { op: "applyTemplate" }; template: TemplateOrigin },
): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const { profiles, title } = parseInput(createProfilesChangeSetInputSchema, input, "change set");
  const byId = await findApisWithProfile(
    profiles.map((desired) => desired.apiId),
    "profiles",
  );
  const limit = limitConcurrency(CHANGE_SET_CONCURRENCY);
  const items = await Promise.all(
    profiles.map((desired) => limit(() => prepareItem(ctx, byId.get(desired.apiId)!, desired, fromTemplate?.template))),
  );
  return recordChangeSet(ctx, {
    title: title ?? `Set the access profiles of ${profiles.length} API${profiles.length === 1 ? "" : "s"}`,
    change: fromTemplate?.change ?? { op: "setProfiles" },
    items,
  });
}

async function prepareItem(
  ctx: RequestContext,
  api: ApiWithProfile,
  desired: DesiredProfile,
  template: TemplateOrigin | undefined,
): Promise<PreparedItem> {
  const current = api.profileVersions[0];
  const adopt = desired.adopt ?? false;
  if (
    current &&
    current.adoptsHandWritten === adopt &&
    // From a template, the version must also say it came from this one (else a new version records it).
    (!template || isDeepStrictEqual(current.template, template)) &&
    // Compared as written: a file with ${name} variables matches the version saved from it.
    isDeepStrictEqual(storedWrittenProfile(current) ?? storedProfile(current), desired.profile)
  )
    return {
      apiId: api.id,
      planId: null,
      planHash: null,
      status: "unchanged",
      summary: "Its profile already is this one: nothing saved.",
      blocking: [],
    };
  return saveAndPlan(ctx, api.id, {
    profile: desired.profile,
    ifMatch: current ? profileEtag(current.version) : null,
    adopt,
    template,
  });
}
