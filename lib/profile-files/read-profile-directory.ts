import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { FileProblem } from "./file-problem";
import { parseProfileFile, type ProfileFile } from "./parse-profile-file";
import { resolvedFileProblems } from "./resolved-file-problems";

export interface ProfileDirectory {
  apis: Array<Extract<ProfileFile, { kind: "api" }>>;
  environment: Extract<ProfileFile, { kind: "environment" }> | null;
}

/**
 * Reads every `.yaml`/`.yml` file under a directory (as `portcullis export` writes them) and
 * checks each and all together: one API per file, at most one environment file, and, when there
 * is one, every variable a profile uses set by it to a value the field accepts. Any problem in any
 * file yields no result, only the problems, so nothing is planned from a half-valid directory.
 */
export async function readProfileDirectory(
  directory: string,
): Promise<{ ok: true; directory: ProfileDirectory } | { ok: false; problems: FileProblem[] }> {
  const files = (await readdir(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
  if (files.length === 0)
    return {
      ok: false,
      problems: [{ file: directory, line: null, path: "(directory)", message: "holds no .yaml files" }],
    };
  const problems: FileProblem[] = [];
  const parsed: ProfileFile[] = [];
  for (const file of files) {
    const result = parseProfileFile(file, await readFile(path.join(directory, file), "utf8"));
    if (result.ok) parsed.push(result.parsed);
    else problems.push(...result.problems);
  }
  const apis = parsed.filter((file) => file.kind === "api");
  const environments = parsed.filter((file) => file.kind === "environment");
  const firstFileOf = new Map<string, string>();
  for (const { file, content, line } of apis) {
    const first = firstFileOf.get(content.api.toLowerCase());
    if (first)
      problems.push({ file, line: line(["api"]), path: "api", message: `API '${content.api}' is also in ${first}` });
    else firstFileOf.set(content.api.toLowerCase(), file);
  }
  for (const { file, line } of environments.slice(1))
    problems.push({
      file,
      line: line(["kind"]),
      path: "kind",
      message: `only one environment file is allowed (${environments[0]!.file})`,
    });
  const environment = environments[0] ?? null;
  // A template's profile is known only on Portcullis: its files are checked there (portcullis plan).
  if (environment) {
    const source = {
      values: environment.content.variables,
      name: `${environment.file} (environment ${environment.content.environment})`,
    };
    for (const api of apis)
      if (api.content.profile) problems.push(...resolvedFileProblems(api, { written: api.content.profile }, source));
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, directory: { apis, environment } };
}
