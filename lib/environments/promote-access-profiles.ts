import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { findApisWithProfile } from "../change-sets/create-change-set";
import { recordProfilesChangeSet } from "../change-sets/create-profiles-change-set";
import type { ChangeSetView } from "../change-sets/schemas";
import { getDb } from "../db";
import { AppError } from "../errors";
import { findInstanceOrThrow } from "../instances/find-instance";
import type { writtenProfileSchema } from "../policy/profile-schema";
import { parseInput } from "../validation";
import { targetApi } from "./promote-access-profile";
import { resolveWrittenProfile, variableValuesOnce, type VariableValues } from "./resolve-written-profile";
import { promotionsInputSchema } from "./schemas";

type WrittenProfile = z.output<typeof writtenProfileSchema>;

/**
 * Promotes many APIs' current profiles from one instance to the same APIs (by ARM name, or as
 * mapped) on another as one change set: each version as written, its `${name}` variables resolved
 * with the target environment's values, saved on its target (audited with where it came from) and
 * planned, with one approval for the set where the target requires it. When the target
 * environment does not set a variable some profile uses, the whole promotion is refused, naming
 * each API and variable, and nothing is saved.
 */
export async function promoteAccessProfiles(ctx: RequestContext, input: unknown): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const { apiIds, targetInstanceId, targetApiIds = {}, title } = parseInput(promotionsInputSchema, input, "promotion");
  const db = getDb();
  const sources = [...(await findApisWithProfile(apiIds, "apiIds")).values()];
  const sourceInstance = sources[0]!.instance;
  if (sources.some((source) => source.instanceId !== sourceInstance.id))
    throw new AppError("bad_request", "The APIs promoted together must all be on one instance.", {
      fields: [{ path: "apiIds", message: "must all be APIs of one instance" }],
    });
  if (sourceInstance.id === targetInstanceId)
    throw new AppError("bad_request", "APIs cannot be promoted onto their own instance.", {
      fields: [{ path: "targetInstanceId", message: "must be another instance than the APIs' own" }],
    });
  const withoutProfile = sources.filter((source) => source.profileVersions.length === 0);
  if (withoutProfile.length > 0)
    throw new AppError(
      "conflict",
      `${withoutProfile.map((source) => `'${source.apimName}'`).join(", ")} ${withoutProfile.length === 1 ? "has" : "have"} no access profile to promote.`,
      { details: { apiIds: withoutProfile.map((source) => source.id) } },
    );
  const targetInstance = await findInstanceOrThrow(db, targetInstanceId);
  // The target environment's variables, read once for checking every API and saving every version.
  const values = variableValuesOnce(db);

  const pairs = await Promise.all(
    sources.map(async (source) => {
      const version = source.profileVersions[0]!;
      const written = (version.written ?? version.profile) as WrittenProfile;
      // Every API's problem is named at once, not only the first one's.
      const target = await targetApi(targetInstance, source.apimName, targetApiIds[source.id]).catch(
        (error: unknown) => {
          if (error instanceof AppError) return error;
          throw error;
        },
      );
      const missing =
        target instanceof AppError ? [] : await missingVariables(db, targetInstance, written, source, values);
      return { source, version, written, target, missing };
    }),
  );
  const notFound = pairs.flatMap((pair) => (pair.target instanceof AppError ? [pair.target] : []));
  if (notFound.length > 0)
    throw new AppError(notFound[0]!.code, notFound.map((error) => error.message).join(" "), {
      fields: notFound.flatMap((error) => error.fields),
    });
  const missing = pairs.flatMap((pair) => pair.missing);
  if (missing.length > 0)
    throw new AppError(
      "variables-missing",
      `Environment ${targetInstance.environment ?? "(none)"} of instance ${targetInstance.name} does not set what these profiles use: ${missing.map((api) => `${api.apimName}: ${api.missingVariables.map((variable) => `\${${variable.name}}`).join(", ")}`).join("; ")}. Nothing was promoted.`,
      { details: { environment: targetInstance.environment, apis: missing } },
    );
  const targets = pairs.map((pair) => pair.target as Exclude<typeof pair.target, AppError>);
  const repeated = targets.find((target, index) => targets.findIndex((other) => other.id === target.id) !== index);
  if (repeated)
    throw new AppError("bad_request", `Two APIs would be promoted onto the same API '${repeated.apimName}'.`, {
      fields: [{ path: "targetApiIds", message: `maps two APIs to ${repeated.id}` }],
    });

  return recordProfilesChangeSet(ctx, {
    title:
      title ??
      `Promote ${sources.length} API${sources.length === 1 ? "" : "s"} from ${sourceInstance.name} to ${targetInstance.name}`,
    profiles: pairs.map(({ source, version, written }, index) => ({
      apiId: targets[index]!.id,
      profile: written,
      adopt: version.adoptsHandWritten,
      promotedFrom: { apiId: source.id, instance: sourceInstance.name, version: version.version },
    })),
    values,
  });
}

/** The variables of `written` the target's environment does not set (none: it resolves there). */
async function missingVariables(
  db: ReturnType<typeof getDb>,
  instance: { name: string; environment: string | null },
  written: WrittenProfile,
  { id: apiId, apimName }: { id: string; apimName: string },
  values: VariableValues,
): Promise<Array<{ apiId: string; apimName: string; missingVariables: Array<{ name: string; paths: string[] }> }>> {
  try {
    await resolveWrittenProfile(db, instance, written, values);
    return [];
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "variables-missing") throw error;
    return [
      { apiId, apimName, missingVariables: error.details.missingVariables as Array<{ name: string; paths: string[] }> },
    ];
  }
}
