import { isDeepStrictEqual } from "node:util";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import {
  resolveWrittenProfile,
  variableValuesOnce,
  type VariableValues,
} from "../environments/resolve-written-profile";
import { AppError } from "../errors";
import { profileEtag } from "../profiles/profile-etag";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import type { FollowingChange } from "../profiles/save-access-profile";
import type { TemplateOrigin } from "../profiles/schemas";
import { templateFollowEvent, templateUnfollowEvent } from "../profiles/template-follow-event";
import { parseInput } from "../validation";
import type { ChangeSetChange } from "./change-schema";
import { findApisWithProfile, type ApiWithProfile } from "./create-change-set";
import { resolveDesiredTemplates, type ResolvedProfile } from "./desired-templates";
import { makeChangeSet, type ItemIntent } from "./make-change-set";
import type { SetEvents } from "./record-change-set";
import { createProfilesChangeSetInputSchema, type ChangeSetView } from "./schemas";
import { setVariablesOf, type SetVariables } from "./set-variables";
import { shownFollowing } from "./shown-following";

type DesiredProfile = ResolvedProfile & {
  /** The version a promotion brings (recorded in the save's audit event). */
  promotedFrom?: { apiId: string; instance: string; version: number };
};

/**
 * A change set where each API gets its own desired profile (profiles as code: `portcullis plan`
 * sends the files of a directory). The profile is saved as written, so saveAccessProfile resolves
 * its `${name}` variables with the API's instance's environment exactly as promotion does, then
 * planned like any set's; an API whose profile already is this one is not saved again, but still
 * planned against APIM: `unchanged` only when APIM has it. A profile given as a `template`
 * (name and version) is that template version's, and the API follows the template; `template:
 * null` makes it follow none. What an API follows is written with the set (recordChangeSet), never
 * without it, whatever its plan finds for APIM.
 * With `variables` (all of an environment's, as `portcullis plan` sends environment.yaml), the set
 * also changes that environment's variables under its approval: its profiles (all on instances of
 * that environment) are resolved with the values given, and its first apply writes them
 * (lib/change-sets/set-variables.ts). A set may change only variables.
 * `fromTemplate` (lib/templates only, never a request's body): the profiles are one template
 * version's, recorded on each version saved, and the set says so; `events` (about the set) are
 * stored with it.
 */
export async function createProfilesChangeSet(
  ctx: RequestContext,
  input: unknown,
  fromTemplate?: {
    change: ChangeSetChange & { op: "applyTemplate" };
    template: TemplateOrigin;
    events?: SetEvents;
  },
): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const {
    profiles,
    title,
    variables: given,
    source,
  } = parseInput(createProfilesChangeSetInputSchema, input, "change set");
  const variables = given ? await setVariablesOf(getDb(), given) : null;
  if (given && !variables && profiles.length === 0)
    throw new AppError(
      "bad_request",
      `Environment ${given.environment} already has these variables: nothing to change.`,
      {
        fields: [
          {
            path: "variables.values",
            message: `are environment ${given.environment}'s already (and no profiles are given)`,
          },
        ],
      },
    );
  return recordProfilesChangeSet(ctx, {
    profiles: await resolveDesiredTemplates(profiles),
    title: title ?? defaultTitle(profiles.length, variables),
    variables,
    source: source ?? null,
    ...fromTemplate,
  });
}

function defaultTitle(apis: number, variables: SetVariables | null): string {
  const profiles = `the access profiles of ${apis} API${apis === 1 ? "" : "s"}`;
  if (!variables) return `Set ${profiles}`;
  const { environment, changes } = variables.stored;
  const values = `${changes.length} variable${changes.length === 1 ? "" : "s"} of environment ${environment}`;
  return apis === 0 ? `Set ${values}` : `Set ${values} and ${profiles}`;
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
    variables = null,
    events,
    source = null,
    values = variableValuesOnce(getDb(), variables?.proposed),
  }: {
    profiles: readonly DesiredProfile[];
    title: string;
    change?: ChangeSetChange;
    template?: TemplateOrigin;
    variables?: SetVariables | null;
    events?: SetEvents;
    /** Where the profiles come from (profiles as code): a newer set from it supersedes this one. */
    source?: string | null;
    /**
     * The environments' variables as the caller already read them (promotion checks every API's
     * with them first), so deciding and saving take the same values without reading them again.
     */
    values?: VariableValues;
  },
): Promise<ChangeSetView> {
  const byId = await findApisWithProfile(
    profiles.map((desired) => desired.apiId),
    "profiles",
  );
  if (variables) assertInEnvironment(profiles, byId, variables.proposed.environment);
  // Read once for the set (`values`): deciding each intent and saving each version take the same values.
  const apis = await Promise.all(
    profiles.map(async (desired) => {
      const api = byId.get(desired.apiId)!;
      const intent = await intentOf(ctx, api, desired, template, values);
      return { api, intent, following: shownFollowing(api, desired, intent, template) };
    }),
  );
  return makeChangeSet(ctx, { title, change, apis, variables, events, values, source });
}

/** The values a set gives an environment are only its instances' to take: refuses an API elsewhere, naming it. */
function assertInEnvironment(
  profiles: readonly DesiredProfile[],
  apis: ReadonlyMap<string, ApiWithProfile>,
  environment: string,
): void {
  const fields = profiles.flatMap(({ apiId }, index) => {
    const { apimName, instance } = apis.get(apiId)!;
    if (instance.environment === environment) return [];
    const where = instance.environment ? `in environment ${instance.environment}` : "in no environment";
    return [
      {
        path: `profiles[${index}].apiId`,
        message: `is API ${apimName} on instance ${instance.name}, ${where}, not ${environment} whose variables the set changes`,
      },
    ];
  });
  if (fields.length > 0)
    throw new AppError(
      "bad_request",
      `Every API of a change set that changes environment ${environment}'s variables must be on an instance of that environment.`,
      { fields },
    );
}

/**
 * The API's own profile to save, or `plan-current` when its current version already is that
 * profile; either with what the API follows from now on, when that changes.
 */
async function intentOf(
  ctx: RequestContext,
  api: ApiWithProfile,
  desired: DesiredProfile,
  setTemplate: TemplateOrigin | undefined,
  values: VariableValues,
): Promise<ItemIntent> {
  const current = api.profileVersions[0];
  const adopt = desired.adopt ?? false;
  const template = desired.template ?? setTemplate;
  const follows = desired.follow !== undefined && desired.follow !== api.templateId;
  if (
    current &&
    current.adoptsHandWritten === adopt &&
    // From a template, the version must also say it came from this one (else a new version records it).
    (!template || isDeepStrictEqual(current.template, template)) &&
    // Compared as written: a file with ${name} variables matches the version saved from it ...
    isDeepStrictEqual(storedWrittenProfile(current) ?? storedProfile(current), desired.profile) &&
    // ... unless the environment's variables changed since (or the set changes them): then it is
    // saved again with their values.
    isDeepStrictEqual(await resolvedNow(api.instance, desired.profile, values), storedProfile(current))
  )
    return { kind: "plan-current", ...(follows ? { following: followingOf(ctx, api, desired) } : {}) };
  return {
    kind: "save",
    save: {
      profile: desired.profile,
      ifMatch: current ? profileEtag(current.version) : null,
      adopt,
      ...(desired.promotedFrom ? { promotedFrom: desired.promotedFrom } : {}),
      template,
      ...(follows ? { following: desired.follow === null ? "none" : "template" } : {}),
    },
  };
}

/** The API starts following the desired profile's template, or stops following its own. */
function followingOf(ctx: RequestContext, api: ApiWithProfile, desired: DesiredProfile): FollowingChange {
  return desired.template
    ? { apiId: api.id, templateId: desired.template.id, event: templateFollowEvent(ctx, api, desired.template) }
    : {
        apiId: api.id,
        templateId: null,
        event: templateUnfollowEvent(ctx, { id: api.id, templateId: api.templateId! }),
      };
}

/**
 * The profile as written resolved with the environment's values now (or those the set gives it),
 * or null when it cannot be (saving says why).
 */
async function resolvedNow(
  instance: { name: string; environment: string | null },
  written: unknown,
  values: VariableValues,
) {
  return resolveWrittenProfile(getDb(), instance, written, values).then(
    (resolved) => resolved.profile,
    () => null,
  );
}
