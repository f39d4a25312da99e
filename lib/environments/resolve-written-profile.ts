import type { Prisma } from "../db";
import { AppError } from "../errors";
import { accessProfileSchema, type AccessProfile } from "../policy/profile-schema";
import { profileVariableNames, resolveProfileVariables } from "../policy/profile-variables";
import { parseInput } from "../validation";
import { environmentVariables } from "./environment-variables";

/**
 * The profile a version as written stands for on one instance: its `${name}` variables replaced
 * with the values of the instance's environment, then checked as any typed profile is. Refused,
 * naming every variable, when the environment does not set them all.
 */
export async function resolveWrittenProfile(
  tx: Prisma.TransactionClient,
  instance: { name: string; environment: string | null },
  written: unknown,
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
  const resolution = resolveProfileVariables(written, await environmentVariables(tx, instance.environment));
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
