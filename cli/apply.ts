import type { ChangeSetView } from "../lib/change-sets/schemas";
import { InputError, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { directoryChanges } from "./directory-changes";
import { asPipelineCommand, planChanges, reportProblems } from "./plan";
import { applyExitCode, itemLine, planExitCode, progressLine, PLAN_EXIT } from "./plan-summary";
import { connectToPortcullisApi, problemDetail, type PortcullisConnection } from "./portcullis-client";

export const applyUsage = `Usage: portcullis apply --change-set ID [--wait]
       portcullis apply --dir DIR [--instance NAME] [--wait]

Applies a change set (as portcullis plan made it). Approvals still apply: a set whose instances
require approval is applied only once other admins approved it (exit 1 saying so otherwise).
Applying again re-runs only the APIs that did not succeed. A set that changes environment variables
writes them when its first apply starts, and is refused (exit 1) when one changed since it was made.

With --dir, plans the directory again as portcullis plan does and applies what it finds as one
change set: the APIs whose profile or variables changed and DIR/environment.yaml's variables
(when they differ; the set writes them when its apply starts, never outside its approval). A set
that needs approval stops there (exit 1 naming it): once approved, apply it with --change-set.

  --change-set ID  the change set's id (printed by portcullis plan)
  --dir DIR        the directory of .yaml files (instead of --change-set)
  --instance NAME  with --dir: the instance every file is planned on (default: each file's instance)
  --wait           poll the set, printing progress and each API's outcome, until it ends;
                   exit 0 only when every API succeeded, 1 otherwise
  --help           show this help

Without --wait, exit 0 once Portcullis started applying (or there was nothing to apply).
`;

const ENDED = new Set(["succeeded", "failed", "conflicted", "cancelled"]);

/** `connect` as for plan; `pollMs` is how often --wait reads the set. */
export async function applyCommand(
  args: string[],
  io: CliIo,
  connect: () => Promise<PortcullisConnection> = connectToPortcullisApi,
  pollMs = 2000,
): Promise<number> {
  return asPipelineCommand(io, async () => {
    const { values } = parseCommandArgs(
      args,
      {
        "change-set": { type: "string" },
        dir: { type: "string" },
        instance: { type: "string" },
        wait: { type: "boolean", default: false },
      },
      0,
    );
    const id = values["change-set"];
    const wait = values.wait ?? false;
    if (!id === !values.dir) throw new InputError("give either --change-set ID or --dir DIR");
    if (values.instance && !values.dir) throw new InputError("--instance needs --dir DIR");
    if (values.dir)
      return applyDirectory(await connect(), io, { dir: values.dir, instance: values.instance, wait, pollMs });
    return applyChangeSet(await connect(), io, { changeSetId: id!, wait, pollMs });
  });
}

/** Plans the directory's changed APIs and variables as one set and applies it. */
async function applyDirectory(
  connection: PortcullisConnection,
  io: CliIo,
  options: { dir: string; instance?: string; wait: boolean; pollMs: number },
): Promise<number> {
  const changes = await directoryChanges(connection.call, options);
  if (!changes.ok) return reportProblems(io, changes.problems);
  const changeSet = await planChanges(connection, io, options, changes);
  if (changeSet === null) return 0;
  const planned = planExitCode(changeSet);
  if (planned !== PLAN_EXIT.changes) return planned === PLAN_EXIT.unchanged ? 0 : 1;
  return applyChangeSet(connection, io, { changeSetId: changeSet.id, wait: options.wait, pollMs: options.pollMs });
}

async function applyChangeSet(
  connection: PortcullisConnection,
  io: CliIo,
  options: { changeSetId: string; wait: boolean; pollMs: number },
): Promise<number> {
  const path = `/change-sets/${encodeURIComponent(options.changeSetId)}`;
  const link = `${connection.url}/change-sets/${options.changeSetId}`;
  const started = await connection.call("POST", `${path}/apply`);
  const refused = started.status === 409 ? (started.body as { code?: string } | null)?.code : undefined;
  if (refused === "approval-required")
    throw new InputError(
      `change set ${options.changeSetId} needs approval before it can be applied: ${problemDetail(started.body)} (approve it at ${link}, or POST /api/v1${path}/approvals as another admin)`,
    );
  if (refused === "superseded") {
    const newer = (started.body as { supersededBy?: { id: string } }).supersededBy?.id;
    throw new InputError(
      `change set ${options.changeSetId} was not applied: ${problemDetail(started.body)} (apply it with portcullis apply --change-set ${newer} once reviewed: ${connection.url}/change-sets/${newer})`,
    );
  }
  if (refused === "variables-changed")
    throw new InputError(
      `change set ${options.changeSetId} was not applied: ${problemDetail(started.body)} (run portcullis plan again for a set made with the variables as they are now)`,
    );
  if (started.status !== 202)
    throw new InputError(`POST ${path}/apply: ${started.status} ${problemDetail(started.body)}`);
  let view = started.body as ChangeSetView;
  io.stdout(`Applying change set ${view.id} (${view.progress.total} APIs): ${link}\n`);
  if (!options.wait) return 0;

  const reported = new Set<string>();
  let last = "";
  for (;;) {
    for (const item of view.items.filter(
      (candidate) => ENDED.has(candidate.status) && !reported.has(candidate.apiId),
    )) {
      reported.add(item.apiId);
      io.stdout(`${itemLine(item)}\n`);
    }
    const line = progressLine(view);
    if (line !== last) io.stdout(`${line}\n`);
    last = line;
    if (view.status !== "applying" && view.status !== "cancelling") break;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    const polled = await connection.call("GET", path);
    if (polled.status !== 200) throw new InputError(`GET ${path}: ${polled.status} ${problemDetail(polled.body)}`);
    view = polled.body as ChangeSetView;
  }
  const code = applyExitCode(view);
  io.stdout(code === 0 ? "Every API succeeded.\n" : `Not every API succeeded: see ${link}\n`);
  return code;
}
