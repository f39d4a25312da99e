import type { RequestContext } from "../auth/request-context";
import { createPlan } from "../deployments/create-plan";
import { getDb } from "../db";
import { profileEtag } from "../profiles/profile-etag";
import { saveAccessProfile } from "../profiles/save-access-profile";
import { storedProfile } from "../profiles/stored-profile";
import type { RotationPlanEntry } from "./schemas";

/**
 * Moves every access profile of the instance that sends the key from the named value `from` to
 * the named value `to`: a new profile version each (the ordinary save, audited, with the If-Match
 * of the version it replaces) and the ordinary plan of it, which the admin reads like any plan.
 * Nothing in APIM changes here. Both rotation and roll back use it, in opposite directions.
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
      profile: { ...profile, backendAuth: { ...backend, namedValue: input.to } },
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
