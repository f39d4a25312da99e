import type { Prisma } from "../db";
import { AppError } from "../errors";
import { accessProfileSchema, type AccessProfile } from "../policy/profile-schema";
import { profileVariableNames, resolveProfileVariables } from "../policy/profile-variables";
import { parseInput } from "../validation";
import { environmentVariables, plainValues, type VariableWriter, type WrittenValue } from "./environment-variables";

/** An environment's variables as a change set would set them (every one, not a patch), and those it `held` when read. */
export interface ProposedVariables {
  environment: string;
  values: Readonly<Record<string, string>>;
  held: Readonly<Record<string, WrittenValue>>;
}

/** An environment's variables, name → value and who wrote it, as profiles are resolved with them. */
export type VariableValues = (environment: string) => Promise<Readonly<Record<string, WrittenValue>>>;

/** A variable a version was resolved with: the value it took and who wrote that value (null: the set that gives it). */
export interface ResolvedVariable {
  name: string;
  value: string;
  writtenBy: VariableWriter | null;
}

/**
 * Reads each environment's variables at most once, however many profiles are resolved with them:
 * a change set resolves one per API, and 200 reads of the same rows cost it more than its plans'
 * ARM reads save. `proposed`: the values a change set gives an environment (all of them), taken
 * instead of those stored for that environment.
 */
export function variableValuesOnce(tx: Prisma.TransactionClient, proposed?: ProposedVariables): VariableValues {
  const read = new Map<string, Promise<Readonly<Record<string, WrittenValue>>>>();
  return (environment) => {
    if (proposed?.environment === environment) return Promise.resolve(proposedValues(proposed));
    let values = read.get(environment);
    if (!values) {
      values = environmentVariables(tx, environment);
      read.set(environment, values);
    }
    return values;
  };
}

/** A set's values: one the environment already held keeps its writer, any other is the set's (`writtenBy` null). */
function proposedValues({ values, held }: ProposedVariables): Record<string, WrittenValue> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      { value, writtenBy: held[name]?.value === value ? held[name].writtenBy : null },
    ]),
  );
}

/**
 * The profile a version as written stands for on one instance: its `${name}` variables replaced
 * with the values of the instance's environment, then checked as any typed profile is. Refused,
 * naming every variable, when the environment does not set them all. `values`: where they are
 * taken from (variableValuesOnce, shared by a set's APIs); read from `tx` when not given.
 * `variables`: each variable it uses, with the value taken and who wrote it.
 */
export async function resolveWrittenProfile(
  tx: Prisma.TransactionClient,
  instance: { name: string; environment: string | null },
  written: unknown,
  values: VariableValues = (environment) => environmentVariables(tx, environment),
): Promise<{ profile: AccessProfile; usesVariables: boolean; variables: ResolvedVariable[] }> {
  const names = profileVariableNames(written);
  if (names.length === 0)
    return { profile: parseInput(accessProfileSchema, written, "access profile"), usesVariables: false, variables: [] };
  if (instance.environment === null)
    throw new AppError(
      "variables-missing",
      `The profile uses variables (${names.join(", ")}), but instance ${instance.name} has no environment to take their values from: set its environment first.`,
      { details: { missingVariables: names.map((name) => ({ name, paths: [] })) } },
    );
  const held = await values(instance.environment);
  const resolution = resolveProfileVariables(written, plainValues(held));
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
    variables: names.map((name) => ({ name, value: held[name]!.value, writtenBy: held[name]!.writtenBy })),
  };
}
