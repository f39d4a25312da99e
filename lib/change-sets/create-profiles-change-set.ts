import { isDeepStrictEqual } from "node:util";
import { limitConcurrency } from "../apim";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { resolveWrittenProfile } from "../environments/resolve-written-profile";
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
 * planned like any set's; an API whose profile already is this one, with the environment's values
 * it was saved with, is `unchanged` (nothing saved).
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
  const instances = await getDb().instance.findMany({
    where: { id: { in: [...new Set([...byId.values()].map((api) => api.instanceId))] } },
  });
  const limit = limitConcurrency(CHANGE_SET_CONCURRENCY);
  const items = await Promise.all(
    profiles.map((desired) => {
      const api = byId.get(desired.apiId)!;
      const instance = instances.find((candidate) => candidate.id === api.instanceId)!;
      return limit(() => prepareItem(ctx, api, instance, desired, fromTemplate?.template));
    }),
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
  instance: { name: string; environment: string | null },
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
    // Compared as written: a file with ${name} variables matches the version saved from it ...
    isDeepStrictEqual(storedWrittenProfile(current) ?? storedProfile(current), desired.profile) &&
    // ... unless the environment's variables changed since: then it is saved again with their values.
    isDeepStrictEqual(await resolvedNow(instance, desired.profile), storedProfile(current))
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

/** The profile as written resolved with the environment's values now, or null when it cannot be (saving says why). */
async function resolvedNow(instance: { name: string; environment: string | null }, written: unknown) {
  return resolveWrittenProfile(getDb(), instance, written).then(
    (resolved) => resolved.profile,
    () => null,
  );
}
