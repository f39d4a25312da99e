import type { RequestContext } from "../auth/request-context";
import { createPlan } from "../deployments/create-plan";
import { getDb } from "../db";
import { profileEtag } from "../profiles/profile-etag";
import { saveAccessProfile } from "../profiles/save-access-profile";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import type { AccessProfile } from "../policy/profile-schema";
import type { RotationPlanEntry } from "./schemas";

/**
 * Moves every access profile of the instance that sends the key from the named value `from` to
 * the named value `to`: a new profile version each (the ordinary save, audited, with the If-Match
 * of the version it replaces) and the ordinary plan of it, which the admin reads like any plan.
 * Nothing in APIM changes here. Both rotation and roll back use it, in opposite directions.
 * A profile written with `${name}` variables is saved as written with only the key's reference
 * replaced, so its other fields keep their variables (the resolved profile decides whether it
 * sends the key from `from`).
 */
export async function switchReferences(
  ctx: RequestContext,
  input: { instanceId: string; from: string; to: string },
): Promise<RotationPlanEntry[]> {
  const apis = await getDb().api.findMany({
    where: { instanceId: input.instanceId, goneAt: null },
    include: { profileVersions: { orderBy: { version: "desc" }, take: 1 } },
    orderBy: { apimName: "asc" },
  });
  const entries: RotationPlanEntry[] = [];
  for (const api of apis) {
    const current = api.profileVersions[0];
    if (!current) continue;
    const profile = storedProfile(current);
    const backend = profile.backendAuth;
    // APIM compares named value names case-insensitively, and so does a reference.
    if (backend.mode !== "apiKey" || backend.namedValue.toLowerCase() !== input.from.toLowerCase()) continue;
    const saved = await saveAccessProfile(ctx, {
      apiId: api.id,
      profile: withNamedValue(storedWrittenProfile(current) ?? profile, input.to),
      ifMatch: profileEtag(current.version),
      adopt: current.adoptsHandWritten,
    });
    const plan = await createPlan(ctx, { apiId: api.id });
    entries.push({
      apiId: api.id,
      apimName: api.apimName,
      planId: plan.id,
      profileVersion: saved.version,
      summary: plan.diff.summary,
      empty: plan.empty,
      blocked: plan.blocked,
    });
  }
  return entries;
}

/** The profile with its API key sent from named value `name` instead; everything else as it is. */
function withNamedValue(profile: AccessProfile, name: string): AccessProfile {
  const backend = profile.backendAuth;
  return backend.mode === "apiKey" ? { ...profile, backendAuth: { ...backend, namedValue: name } } : profile;
}
