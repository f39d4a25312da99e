import { formatFileProblem, type FileProblem } from "../lib/profile-files/file-problem";
import { readProfileDirectory } from "../lib/profile-files/read-profile-directory";
import type { ChangeSetView } from "../lib/change-sets/schemas";
import { InputError, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { planExitCode, planMarkdown, profileChanges, PLAN_EXIT, type PlannedFile } from "./plan-summary";
import {
  all,
  connectToPortcullisApi,
  problemDetail,
  restGet,
  type PortcullisConnection,
  type RestGet,
} from "./portcullis-client";

export const planUsage = `Usage: portcullis plan --dir DIR [--instance NAME]

Plans the access profile files of DIR (as portcullis export writes them) on Portcullis: each file's
API (by its ARM name, on --instance or the file's instance) gets the file's profile, its \${name}
variables taking the values of the instance's environment. APIs whose profile differs are saved as
new versions and planned in one change set (nothing changes in APIM); prints a Markdown summary for
a pull-request comment.

Exit codes (like terraform plan -detailed-exitcode):
  0  nothing to change (no change set is made)
  2  changes planned: apply them with portcullis apply --change-set ID
  1  an error: an invalid file (every problem is printed as file:line: field: reason), an API or
     instance not found, a blocked API (lint errors, blocking findings), or Portcullis refused

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
  const read = await readProfileDirectory(options.dir).catch((error: NodeJS.ErrnoException) => {
    throw new InputError(
      `cannot read ${options.dir}: ${error.code === "ENOENT" ? "no such directory" : error.message}`,
    );
  });
  if (!read.ok) return reportProblems(io, read.problems);
  const get = restGet(connection.call);
  const matched = await matchApis(get, read.directory.apis, options.instance);
  if (!matched.ok) return reportProblems(io, matched.problems);

  const files: PlannedFile[] = [];
  const desired: Array<{ apiId: string; profile: unknown; adopt: boolean }> = [];
  for (const { file, content, apiId, instance } of matched.files) {
    const current = await currentProfile(connection, apiId);
    const changes = profileChanges(current?.profile, content.profile);
    if ((current?.adopt ?? false) !== content.adopt)
      changes.push(`adopt: ${current?.adopt ?? false} → ${content.adopt}`);
    files.push({ file, apiId, apimName: content.api, instance, changes });
    if (changes.length > 0) desired.push({ apiId, profile: content.profile, adopt: content.adopt });
  }

  // Nothing differs: no change set is made, so none is left lying around unapplied.
  let changeSet: ChangeSetView | null = null;
  if (desired.length > 0) {
    const created = await connection.call("POST", "/change-sets", {
      title: `portcullis plan: ${desired.length} API${desired.length === 1 ? "" : "s"} from ${options.dir}`,
      profiles: desired,
    });
    if (created.status !== 201)
      throw new InputError(`POST /change-sets: ${created.status} ${problemDetail(created.body)}`);
    changeSet = created.body as ChangeSetView;
  }
  io.stdout(planMarkdown({ directory: options.dir, files, changeSet, consoleUrl: connection.url }));
  return planExitCode(changeSet);
}

type DirectoryApi = Extract<
  Awaited<ReturnType<typeof readProfileDirectory>>,
  { ok: true }
>["directory"]["apis"][number];

/** Each file's API on its instance, or a problem per file naming what was not found. */
async function matchApis(get: RestGet, apis: DirectoryApi[], instanceOption: string | undefined) {
  const instances = await all<{ id: string; name: string }>(get, "/instances");
  const apisOf = new Map<string, Array<{ id: string; apimName: string; gone: boolean }>>();
  const problems: FileProblem[] = [];
  const files: Array<DirectoryApi & { apiId: string; instance: string }> = [];
  for (const api of apis) {
    const name = instanceOption ?? api.content.instance;
    const problem = (path: string, message: string) => problems.push({ file: api.file, line: null, path, message });
    if (!name) {
      problem("instance", "must name the API's instance (or run portcullis plan with --instance NAME)");
      continue;
    }
    const instance = instances.find((candidate) => candidate.name === name);
    if (!instance) {
      problem("instance", `no instance named '${name}' in Portcullis`);
      continue;
    }
    if (!apisOf.has(instance.id)) apisOf.set(instance.id, await all(get, `/apis?instanceId=${instance.id}`));
    // ARM names are case-insensitive; an API gone from APIM cannot be planned.
    const found = apisOf
      .get(instance.id)!
      .find((candidate) => !candidate.gone && candidate.apimName.toLowerCase() === api.content.api.toLowerCase());
    if (!found) problem("api", `no API named '${api.content.api}' on instance ${name}`);
    else files.push({ ...api, apiId: found.id, instance: name });
  }
  return problems.length > 0 ? ({ ok: false, problems } as const) : ({ ok: true, files } as const);
}

/** The API's current profile as written (with its variables), or null when it has none. */
async function currentProfile(connection: PortcullisConnection, apiId: string) {
  const { status, body } = await connection.call("GET", `/apis/${apiId}/access-profile`);
  if (status === 404) return null;
  if (status !== 200) throw new InputError(`GET /apis/${apiId}/access-profile: ${status} ${problemDetail(body)}`);
  const current = body as { profile: unknown; written: unknown; adoptsHandWritten: boolean };
  return { profile: current.written ?? current.profile, adopt: current.adoptsHandWritten };
}

function reportProblems(io: CliIo, problems: FileProblem[]): number {
  io.stderr(
    `${problems.map(formatFileProblem).join("\n")}\nportcullis: nothing planned (${problems.length} problem${problems.length === 1 ? "" : "s"})\n`,
  );
  return PLAN_EXIT.error;
}
