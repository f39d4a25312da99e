import { findApiOrThrow, assertApiInApim } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { createPlan } from "../deployments/create-plan";
import { AppError } from "../errors";
import { findInstanceOrThrow } from "../instances/find-instance";
import { profileEtag } from "../profiles/profile-etag";
import { saveAccessProfile } from "../profiles/save-access-profile";
import { parseInput } from "../validation";
import { z } from "zod";
import { promotionInputSchema, type PromotionView } from "./schemas";

const inputSchema = z.strictObject({ apiId: z.guid("must be an API id") }).extend(promotionInputSchema.shape);

/**
 * Promotes an API's current profile to the same API (by ARM name, or the one chosen) on another
 * instance: the version as written, with its `${name}` variables, is saved there through
 * saveAccessProfile (which resolves them with the target environment's values, refusing by name
 * any it does not set) and the target's plan is opened, with its approval where the target
 * instance requires one. The saved version's audit event names where it came from.
 */
export async function promoteAccessProfile(ctx: RequestContext, input: unknown): Promise<PromotionView> {
  await authorize(ctx, "config.write");
  const { apiId, targetInstanceId, targetApiId } = parseInput(inputSchema, input, "promotion");
  const db = getDb();
  const source = await findApiOrThrow(db, apiId, { profileVersions: { orderBy: { version: "desc" }, take: 1 } });
  const version = source.profileVersions[0];
  if (!version) throw new AppError("conflict", `API '${source.apimName}' has no access profile to promote.`);
  const targetInstance = await findInstanceOrThrow(db, targetInstanceId);
  const target = await targetApi(targetInstance, source.apimName, targetApiId);
  if (target.id === source.id)
    throw new AppError("bad_request", "An API cannot be promoted onto itself.", {
      fields: [{ path: "targetInstanceId", message: "must be another instance than the API's own" }],
    });
  const saved = await saveAccessProfile(ctx, {
    apiId: target.id,
    profile: version.written ?? version.profile,
    ifMatch: target.profileVersions[0] ? profileEtag(target.profileVersions[0].version) : null,
    adopt: version.adoptsHandWritten,
    promotedFrom: { apiId: source.id, instance: source.instance.name, version: version.version },
  });
  const plan = await createPlan(ctx, { apiId: target.id });
  return {
    source: { apiId: source.id, instance: source.instance.name, version: version.version },
    profile: saved,
    plan,
  };
}

/** The API on `instance` a promotion of `apimName` goes to: `targetApiId`, or the one with the same ARM name. */
export async function targetApi(
  instance: { id: string; name: string },
  apimName: string,
  targetApiId: string | undefined,
) {
  const db = getDb();
  const include = { profileVersions: { orderBy: { version: "desc" as const }, take: 1 } };
  if (targetApiId) {
    const api = await findApiOrThrow(db, targetApiId, include);
    if (api.instanceId !== instance.id)
      throw new AppError("bad_request", `API ${targetApiId} is not on instance ${instance.name}.`, {
        fields: [{ path: "targetApiId", message: `must be an API of instance ${instance.name}` }],
      });
    assertApiInApim(api);
    return api;
  }
  const api = await db.api.findUnique({
    where: { instanceId_apimName: { instanceId: instance.id, apimName } },
    include: { ...include, instance: true },
  });
  if (!api || api.goneAt)
    throw new AppError(
      "not_found",
      `Instance ${instance.name} has no API named '${apimName}'${api ? " any more (sync it if it is back)" : ""}: sync the instance, or choose the target API.`,
    );
  return api;
}
