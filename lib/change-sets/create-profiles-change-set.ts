import { isDeepStrictEqual } from "node:util";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { resolveWrittenProfile } from "../environments/resolve-written-profile";
import { profileEtag } from "../profiles/profile-etag";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import type { TemplateOrigin } from "../profiles/schemas";
import { parseInput } from "../validation";
import type { ChangeSetChange } from "./change-schema";
import { findApisWithProfile, type ApiWithProfile } from "./create-change-set";
import { makeChangeSet, type ItemIntent } from "./make-change-set";
import { createProfilesChangeSetInputSchema, type ChangeSetView } from "./schemas";

type DesiredProfile = ReturnType<typeof createProfilesChangeSetInputSchema.parse>["profiles"][number] & {
  /** The version a promotion brings (recorded in the save's audit event). */
  promotedFrom?: { apiId: string; instance: string; version: number };
};

/**
 * A change set where each API gets its own desired profile (profiles as code: `portcullis plan`
 * sends the files of a directory). The profile is saved as written, so saveAccessProfile resolves
 * its `${name}` variables with the API's instance's environment exactly as promotion does, then
 * planned like any set's; an API whose profile already is this one is not saved again, but still
 * planned against APIM: `unchanged` only when APIM has it.
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
  return recordProfilesChangeSet(ctx, {
    profiles,
    title: title ?? `Set the access profiles of ${profiles.length} API${profiles.length === 1 ? "" : "s"}`,
    ...fromTemplate,
  });
}

/**
 * createProfilesChangeSet's work once config.write is checked and the profiles are valid and
 * name each API once: promotion (promoteAccessProfiles) passes where each profile came from.
 */
export async function recordProfilesChangeSet(
  ctx: RequestContext,
  {
    profiles,
    title,
    change = { op: "setProfiles" },
    template,
  }: { profiles: readonly DesiredProfile[]; title: string; change?: ChangeSetChange; template?: TemplateOrigin },
): Promise<ChangeSetView> {
  const byId = await findApisWithProfile(
    profiles.map((desired) => desired.apiId),
    "profiles",
  );
  const apis = await Promise.all(
    profiles.map(async (desired) => {
      const api = byId.get(desired.apiId)!;
      return { api, intent: await intentOf(api, desired, template) };
    }),
  );
  return makeChangeSet(ctx, { title, change, apis });
}

/** The API's own profile to save, or `plan-current` when its current version already is that profile. */
async function intentOf(
  api: ApiWithProfile,
  desired: DesiredProfile,
  template: TemplateOrigin | undefined,
): Promise<ItemIntent> {
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
    isDeepStrictEqual(await resolvedNow(api.instance, desired.profile), storedProfile(current))
  )
    return { kind: "plan-current" };
  return {
    kind: "save",
    save: {
      profile: desired.profile,
      ifMatch: current ? profileEtag(current.version) : null,
      adopt,
      ...(desired.promotedFrom ? { promotedFrom: desired.promotedFrom } : {}),
      template,
    },
  };
}

/** The profile as written resolved with the environment's values now, or null when it cannot be (saving says why). */
async function resolvedNow(instance: { name: string; environment: string | null }, written: unknown) {
  return resolveWrittenProfile(getDb(), instance, written).then(
    (resolved) => resolved.profile,
    () => null,
  );
}
