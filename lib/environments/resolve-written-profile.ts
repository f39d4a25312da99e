import type { Prisma } from "../db";
import { AppError } from "../errors";
import { accessProfileSchema, type AccessProfile } from "../policy/profile-schema";
import { profileVariableNames, resolveProfileVariables } from "../policy/profile-variables";
import { parseInput } from "../validation";
import { environmentVariables } from "./environment-variables";

/** An environment's variables as a change set would set them (every one, not a patch). */
export interface ProposedVariables {
  environment: string;
  values: Readonly<Record<string, string>>;
}

/** An environment's variables, name → value, as profiles are resolved with them. */
export type VariableValues = (environment: string) => Promise<Readonly<Record<string, string>>>;

/**
 * Reads each environment's variables at most once, however many profiles are resolved with them:
 * a change set resolves one per API, and 200 reads of the same rows cost it more than its plans'
 * ARM reads save. `proposed`: the values a change set gives an environment (all of them), taken
 * instead of those stored for that environment.
 */
export function variableValuesOnce(tx: Prisma.TransactionClient, proposed?: ProposedVariables): VariableValues {
  const read = new Map<string, Promise<Readonly<Record<string, string>>>>();
  return (environment) => {
    if (proposed?.environment === environment) return Promise.resolve(proposed.values);
    let values = read.get(environment);
    if (!values) {
      values = environmentVariables(tx, environment);
      read.set(environment, values);
    }
    return values;
  };
}

/**
 * The profile a version as written stands for on one instance: its `${name}` variables replaced
 * with the values of the instance's environment, then checked as any typed profile is. Refused,
 * naming every variable, when the environment does not set them all. `values`: where they are
 * taken from (variableValuesOnce, shared by a set's APIs); read from `tx` when not given.
 */
export async function resolveWrittenProfile(
  tx: Prisma.TransactionClient,
  instance: { name: string; environment: string | null },
  written: unknown,
  values: VariableValues = (environment) => environmentVariables(tx, environment),
): Promise<{ profile: AccessProfile; usesVariables: boolean }> {
  const names = profileVariableNames(written);
  if (names.length === 0)
    return { profile: parseInput(accessProfileSchema, written, "access profile"), usesVariables: false };
  if (instance.environment === null)
    throw new AppError(
      "variables-missing",
      `The profile uses variables (${names.join(", ")}), but instance ${instance.name} has no environment to take their values from: set its environment first.`,
      { details: { missingVariables: names.map((name) => ({ name, paths: [] })) } },
    );
  const resolution = resolveProfileVariables(written, await values(instance.environment));
  if (!resolution.ok)
    throw new AppError(
      "variables-missing",
      `Environment ${instance.environment} (instance ${instance.name}) does not set ${resolution.missing.map((variable) => `\${${variable.name}}`).join(", ")}: set ${resolution.missing.length === 1 ? "it" : "them"} on the environment's variables first.`,
      {
        details: { environment: instance.environment, missingVariables: resolution.missing },
        fields: resolution.missing.flatMap((variable) =>
          variable.paths.map((path) => ({
            path,
            message: `uses \${${variable.name}}, which environment ${instance.environment} does not set`,
          })),
        ),
      },
    );
  return {
    profile: parseInput(
      accessProfileSchema,
      resolution.profile,
      `access profile with environment ${instance.environment}'s variables`,
    ),
    usesVariables: true,
  };
}
