import type { ChangeSetView } from "../lib/change-sets/schemas";
import { InputError, type CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { asPipelineCommand } from "./plan";
import { applyExitCode, itemLine, progressLine } from "./plan-summary";
import { connectToPortcullisApi, problemDetail, type PortcullisConnection } from "./portcullis-client";

export const applyUsage = `Usage: portcullis apply --change-set ID [--wait]

Applies a change set (as portcullis plan made it). Approvals still apply: a set whose instances
require approval is applied only once other admins approved it (exit 1 saying so otherwise).
Applying again re-runs only the APIs that did not succeed.

  --change-set ID  the change set's id (printed by portcullis plan)
  --wait           poll the set, printing progress and each API's outcome, until it ends;
                   exit 0 only when every API succeeded, 1 otherwise
  --help           show this help

Without --wait, exit 0 once Portcullis started applying.
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
      { "change-set": { type: "string" }, wait: { type: "boolean", default: false } },
      0,
    );
    const id = values["change-set"];
    if (!id) throw new InputError("--change-set ID is required");
    return applyChangeSet(await connect(), io, { changeSetId: id, wait: values.wait ?? false, pollMs });
  });
}

async function applyChangeSet(
  connection: PortcullisConnection,
  io: CliIo,
  options: { changeSetId: string; wait: boolean; pollMs: number },
): Promise<number> {
  const path = `/change-sets/${encodeURIComponent(options.changeSetId)}`;
  const link = `${connection.url}/change-sets/${options.changeSetId}`;
  const started = await connection.call("POST", `${path}/apply`);
  if (started.status === 409 && (started.body as { code?: string } | null)?.code === "approval-required")
    throw new InputError(
      `change set ${options.changeSetId} needs approval before it can be applied: ${problemDetail(started.body)} (approve it at ${link}, or POST /api/v1${path}/approvals as another admin)`,
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
