import type { z } from "zod";
import { accessProfileSchema } from "../policy/profile-schema";
import { resolveProfileVariables } from "../policy/profile-variables";
import { keyVaultReferenceSchema } from "../secrets/schemas";
import { formatPath } from "../validation";
import type { FileProblem } from "./file-problem";
import type { ProfileFile } from "./parse-profile-file";

type ApiFile = Extract<ProfileFile, { kind: "api" }>;

/**
 * Where a file's variables take their values: an environment's (`name` says which, e.g.
 * `environment.yaml (environment production)`), or none when the instance is in no environment.
 */
export type VariableSource =
  { values: Readonly<Record<string, string>>; name: string } | { values: null; instance: string };

/**
 * The problems of an API file's profile (its own, or the version of the `template` it follows) and
 * of its keyVault once their `${name}` variables take the values of the environment it is planned
 * in: one at each field that uses a variable the environment does not set, and, when all are set,
 * one at each field whose resolved value the profile's rules refuse. Nothing is planned from such a
 * file, so these are found before anything is sent. A template version's fields are not the
 * file's: their problems are at `template`, naming the version's field.
 */
export function resolvedFileProblems(
  file: ApiFile,
  profile: { written: unknown; template?: { name: string; version: number } },
  source: VariableSource,
): FileProblem[] {
  const { keyVault } = file.content;
  const resolution = resolveProfileVariables({ profile: profile.written, keyVault }, source.values ?? {});
  const at = (path: ReadonlyArray<string | number>, message: string): FileProblem => {
    if (profile.template && path[0] === "profile") {
      const field = formatPath(path.slice(1), "(profile)");
      return {
        file: file.file,
        line: file.line(["template"]),
        path: "template",
        message: `template ${profile.template.name} v${profile.template.version}'s ${field} ${message}`,
      };
    }
    return { file: file.file, line: file.line(path), path: formatPath(path, "(file)"), message };
  };
  if (!resolution.ok)
    return resolution.missing.flatMap(({ name, paths }) =>
      paths.map((path) =>
        at(
          segmentsOf(path),
          source.values
            ? `uses \${${name}}, which ${source.name} does not set`
            : `uses \${${name}}, but instance ${source.instance} is in no environment to take its value from`,
        ),
      ),
    );
  if (resolution.used.length === 0 || source.values === null) return [];
  const resolved = resolution.profile as { profile: unknown; keyVault?: unknown };
  const issues = [
    ...issuesOf(accessProfileSchema, resolved.profile, "profile"),
    ...(keyVault ? issuesOf(keyVaultReferenceSchema, resolved.keyVault, "keyVault") : []),
  ];
  return issues.map(({ path, message }) => at(path, `${message} (with the variables of ${source.name})`));
}

function issuesOf(schema: z.ZodType, value: unknown, root: string) {
  return (schema.safeParse(value).error?.issues ?? []).map((issue) => ({
    path: [root, ...issue.path.map((key) => (typeof key === "number" ? key : String(key)))],
    message: issue.message,
  }));
}

/** `profile.callerAuth.clientApplicationIds[1]` → `["profile", "callerAuth", "clientApplicationIds", 1]`. */
function segmentsOf(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? match[1]! : Number(match[2]),
  );
}
