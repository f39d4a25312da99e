import { isDeepStrictEqual } from "node:util";
import { storedTemplateOrigin } from "../profiles/stored-profile";
import type { TemplateOrigin } from "../profiles/schemas";
import type { ApiWithProfile } from "./create-change-set";
import type { ResolvedProfile } from "./desired-templates";
import type { ItemIntent } from "./make-change-set";
import type { FollowingChangeView } from "./schemas";

/**
 * What a profiles set changes in the template an API follows, as its item shows it (before →
 * after, each the template's name and the version its profile is): only when the set touches
 * following (a template given, for the set or for this API's profile, or `template: null`) and
 * before and after differ. A template version given to an API that keeps following it shows too
 * ("X v2 → v3"); a version saved from another template (or by hand) leaves the followed
 * template's version unknown (null).
 */
export function shownFollowing(
  api: ApiWithProfile,
  desired: ResolvedProfile,
  intent: ItemIntent,
  setTemplate: TemplateOrigin | undefined,
): FollowingChangeView | undefined {
  const template = desired.template ?? setTemplate;
  if (!template && desired.follow === undefined) return undefined;
  const current = api.profileVersions[0];
  const currentOrigin = current ? storedTemplateOrigin(current) : null;
  // The version the API has once the set is made: the one it saves, or its current one.
  const endOrigin = intent.kind === "save" ? (template ?? null) : currentOrigin;
  const afterId = desired.follow !== undefined ? desired.follow : api.templateId;
  // Each id is the API's template, or the one the set gives it.
  const nameOf = (id: string) => (id === api.templateId ? api.template!.name : template!.name);
  const followed = (id: string | null, origin: TemplateOrigin | null) =>
    id === null ? null : { name: nameOf(id), version: origin?.id === id ? origin.version : null };
  const before = followed(api.templateId, currentOrigin);
  const after = followed(afterId, endOrigin);
  return isDeepStrictEqual(before, after) ? undefined : { before, after };
}
