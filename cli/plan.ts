import path from "node:path";
import { formatFileProblem, type FileProblem } from "../lib/profile-files/file-problem";
import type { ChangeSetView } from "../lib/change-sets/schemas";
import { InputError, type CliIo } from "./cli-io";
import { directoryChanges, type DirectoryChanges } from "./directory-changes";
import { parseCommandArgs } from "./parse-command-args";
import { planExitCode, planMarkdown, PLAN_EXIT } from "./plan-summary";
import { connectToPortcullisApi, problemDetail, type PortcullisConnection } from "./portcullis-client";

export const planUsage = `Usage: portcullis plan --dir DIR [--instance NAME]

Plans the access profile files of DIR (as portcullis export writes them) on Portcullis: each file's
API (by its ARM name, on --instance or the file's instance) gets the file's profile, its \${name}
variables taking the values of the instance's environment. APIs whose profile differs are saved as
new versions and planned in one change set with those whose saved version APIM does not have yet
(an earlier plan not applied: plan exits 2 until it is); nothing changes in APIM. Prints a Markdown
summary for a pull-request comment.

DIR/environment.yaml's variables are compared with the environment's on Portcullis. When they
differ, the change set changes them too: the APIs are planned with the new values, and the
variables are written when the set is applied, under its approval (never before).
A file's keyVault (the Key Vault secret of its named value) must be what the instance's named value
refers to; plan does not create or repoint named values.

A file with template: (name, and version: a number or latest) makes its API follow that profile
template, its profile being that version (latest: the newest now); a file without it makes an API
that follows one stop following. Either counts as a change (exit 2) even when APIM has nothing to
write. A template or version Portcullis does not have, or a profile: beside template:, is an
invalid file.

Exit codes (like terraform plan -detailed-exitcode):
  0  nothing to change: every file is its API's saved profile and APIM has it (no change set is made)
  2  changes (APIs, environment variables, or both): apply them with portcullis apply --change-set ID
  1  an error: an invalid file (every problem is printed as file:line: field: reason), an API or
     instance not found, a variable removed that a profile still uses, a field (of the file's
     profile, its template's version or keyVault) using a variable the environment does not set or
     whose value the field refuses, a Key Vault reference that is not the instance's, a blocked API
     (lint errors, blocking findings), or Portcullis refused

Connects as portcullis export does (PORTCULLIS_URL, PORTCULLIS_AUDIENCE, AZURE_*; or the sandbox).

  --dir DIR        the directory of .yaml files
  --instance NAME  the instance every file is planned on (default: each file's instance)
  --help           show this help
`;

/** `connect` is how it reaches Portcullis: over HTTPS, or (tests) the route handlers in-process. */
export async function planCommand(
  args: string[],
  io: CliIo,
  connect: () => Promise<PortcullisConnection> = connectToPortcullisApi,
): Promise<number> {
  return asPipelineCommand(io, async () => {
    const { values } = parseCommandArgs(args, { dir: { type: "string" }, instance: { type: "string" } }, 0);
    if (!values.dir) throw new InputError("--dir DIR is required");
    return planDirectory(await connect(), io, { dir: values.dir, instance: values.instance });
  });
}

/** Errors of a pipeline command exit 1 (its 0 and 2 mean something else), one line on stderr. */
export async function asPipelineCommand(io: CliIo, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    io.stderr(`portcullis: ${error.message.replace(/\s*\n\s*/g, " ")}\n`);
    return PLAN_EXIT.error;
  }
}

/** Reads, checks and plans the directory; prints the summary (or every problem); answers the exit code. */
async function planDirectory(
  connection: PortcullisConnection,
  io: CliIo,
  options: { dir: string; instance?: string },
): Promise<number> {
  const changes = await directoryChanges(connection.call, options);
  if (!changes.ok) return reportProblems(io, changes.problems);
  return planExitCode(await planChanges(connection, io, options, changes), changes.files);
}

/**
 * The set's source: a newer plan of the same directory (on the same --instance) supersedes an
 * older set of it not yet applied, whatever APIs each holds (lib/change-sets/README.md).
 */
export function planSource({ dir, instance }: { dir: string; instance?: string }): string {
  const directory = path.normalize(dir).replace(/(.)[\\/]+$/, "$1");
  return `portcullis plan --dir ${directory}${instance ? ` --instance ${instance}` : ""}`;
}

/** Makes the change set of what the directory changes (none when nothing differs) and prints its summary. */
export async function planChanges(
  connection: PortcullisConnection,
  io: CliIo,
  options: { dir: string; instance?: string },
  changes: DirectoryChanges,
): Promise<ChangeSetView | null> {
  const changeSet = await createChangeSet(connection, options, changes);
  io.stdout(
    planMarkdown({
      directory: options.dir,
      files: changes.files,
      changeSet,
      variables: changes.variables,
      consoleUrl: connection.url,
    }),
  );
  return changeSet;
}

/**
 * The change set of the files that differ and the environment's variables that do, made over
 * POST /change-sets (the variables are written when it is applied); null when nothing differs.
 */
async function createChangeSet(
  connection: PortcullisConnection,
  options: { dir: string; instance?: string },
  { desired, variables }: Pick<DirectoryChanges, "desired" | "variables">,
): Promise<ChangeSetView | null> {
  if (desired.length === 0 && variables === null) return null;
  const what = [
    `${desired.length} API${desired.length === 1 ? "" : "s"}`,
    ...(variables ? [`${variables.changes.length} variable${variables.changes.length === 1 ? "" : "s"}`] : []),
  ];
  const created = await connection.call("POST", "/change-sets", {
    title: `portcullis plan: ${what.join(" and ")} from ${options.dir}`,
    source: planSource(options),
    profiles: desired,
    ...(variables ? { variables: { environment: variables.environment, values: variables.variables } } : {}),
  });
  if (created.status !== 201)
    throw new InputError(`POST /change-sets: ${created.status} ${problemDetail(created.body)}`);
  return created.body as ChangeSetView;
}

export function reportProblems(io: CliIo, problems: FileProblem[]): number {
  io.stderr(
    `${problems.map(formatFileProblem).join("\n")}\nportcullis: nothing planned (${problems.length} problem${problems.length === 1 ? "" : "s"})\n`,
  );
  return PLAN_EXIT.error;
}
