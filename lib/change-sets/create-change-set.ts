import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { AppError } from "../errors";
import { profileEtag } from "../profiles/profile-etag";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import { parseInput } from "../validation";
import { describeChange, type ProfileChange } from "./change-schema";
import { editProfile } from "./edit-profile";
import { makeChangeSet, type ItemIntent } from "./make-change-set";
import { createChangeSetInputSchema, type ChangeSetView } from "./schemas";

/**
 * Makes one change to many APIs: for each, the change is made to its current access profile,
 * saved as a new version (audited as any save) and planned (makeChangeSet). An API the change
 * does not fit, that cannot be planned, or whose plan has lint errors or blocking
 * effective-access findings is blocked (never applied) and says why; the others wait for the
 * set's approval and apply (startChangeSetApply). Nothing in APIM changes here.
 */
export async function createChangeSet(ctx: RequestContext, input: unknown): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const { apiIds, change, title } = parseInput(createChangeSetInputSchema, input, "change set");
  const byId = await findApisWithProfile(apiIds, "apiIds");
  return makeChangeSet(ctx, {
    title: title ?? describeChange(change),
    change,
    apis: apiIds.map((apiId) => {
      const api = byId.get(apiId)!;
      return { api, intent: intentOf(api, change) };
    }),
  });
}

/** The APIs, each with its current profile version; 404 naming (in `field`) the ids that are no API. */
export async function findApisWithProfile(
  apiIds: readonly string[],
  field: string,
): Promise<Map<string, ApiWithProfile>> {
  const apis = await getDb().api.findMany({
    where: { id: { in: [...apiIds] } },
    include: {
      instance: true,
      profileVersions: { orderBy: { version: "desc" }, take: 1 },
      // Its name, for the following change an item shows (lib/change-sets/shown-following.ts).
      template: { select: { name: true } },
    },
  });
  const unknown = apiIds.filter((id) => !apis.some((api) => api.id === id));
  if (unknown.length > 0)
    throw new AppError("not_found", `There is no API with id ${unknown.join(", ")}.`, {
      details: { field, apiIds: unknown },
    });
  return new Map(apis.map((api) => [api.id, api]));
}

export type ApiWithProfile = Prisma.ApiGetPayload<{
  include: { instance: true; profileVersions: true; template: { select: { name: true } } };
}>;

/** The API's profile with the change made, unchanged (planned as it is), or why the change does not fit. */
function intentOf(api: ApiWithProfile, change: ProfileChange): ItemIntent {
  const current = api.profileVersions[0];
  if (!current)
    return {
      kind: "blocked",
      code: "no-profile",
      message: "This API has no access profile yet; save one before changing it in a set.",
    };
  // The profile as written, so its ${name} variables stay variables (saving resolves them).
  const edit = editProfile(storedWrittenProfile(current) ?? storedProfile(current), change);
  if (edit.kind === "refused") return { kind: "blocked", code: "change-refused", message: edit.reason };
  if (edit.kind === "unchanged") return { kind: "plan-current" };
  return { kind: "save", save: { profile: edit.profile, ifMatch: profileEtag(current.version) } };
}
