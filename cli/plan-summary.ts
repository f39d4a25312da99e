/**
 * What `portcullis plan` and `portcullis apply` print and answer, as pure functions of the change
 * set: a Markdown summary for a pull-request comment and exit codes a pipeline can branch on
 * (plan: 0 nothing to change, 2 changes, 1 error or a blocked API, like `terraform plan
 * -detailed-exitcode`; apply: 0 only when every API succeeded).
 */
import { isDeepStrictEqual } from "node:util";
import type { ChangeSetItemView, ChangeSetVariables, ChangeSetView } from "../lib/change-sets/schemas";
import type { VariablesPlan } from "./directory-changes";

/** One profile file matched to its API on an instance, and how its profile differs from the current one. */
export interface PlannedFile {
  file: string;
  apiId: string;
  apimName: string;
  instance: string;
  /** Field by field (`path: before → after`); empty when the file says what Portcullis has. */
  changes: string[];
  /** The API's saved version when APIM does not have it yet (saved by an earlier plan, not applied); else null. */
  unappliedVersion: number | null;
  /** Whether the template the API follows changes (starts, stops, another): a change even when APIM's is not. */
  followingChanges: boolean;
}

export const PLAN_EXIT = { unchanged: 0, error: 1, changes: 2 } as const;

/**
 * 0 when nothing changes (no set, or nothing in it to apply and no API follows another template),
 * 1 when an API is blocked, 2 otherwise (an API planned or following another template, or
 * variables the set changes, even alone).
 */
export function planExitCode(changeSet: ChangeSetView | null, files: readonly PlannedFile[] = []): number {
  if (changeSet === null) return PLAN_EXIT.unchanged;
  if (changeSet.items.some((item) => item.status === "blocked")) return PLAN_EXIT.error;
  const changes =
    changeSet.variables !== null ||
    changeSet.items.some((item) => item.status === "planned") ||
    files.some((file) => file.followingChanges);
  return changes ? PLAN_EXIT.changes : PLAN_EXIT.unchanged;
}

/** 0 only when the set finished and every API in it succeeded (or had nothing to write). */
export function applyExitCode(changeSet: ChangeSetView): number {
  const ok = changeSet.items.every((item) => item.status === "succeeded" || item.status === "unchanged");
  return changeSet.status === "finished" && ok ? 0 : 1;
}

/** The differences between two profiles, one line per field, in a stable order. */
export function profileChanges(before: unknown, after: unknown, path = ""): string[] {
  if (isDeepStrictEqual(before, after)) return [];
  // A section added or removed is listed field by field, as one edited would be.
  if ((isRecord(before) || before === undefined) && (isRecord(after) || after === undefined)) {
    const [from, to] = [before ?? {}, after ?? {}];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    return keys.flatMap((key) => profileChanges(from[key], to[key], path ? `${path}.${key}` : key));
  }
  const label = path || "(profile)";
  if (Array.isArray(before) && Array.isArray(after) && [...before, ...after].every((value) => !isRecord(value))) {
    const added = after.filter((value) => !before.some((old) => isDeepStrictEqual(old, value)));
    const removed = before.filter((value) => !after.some((now) => isDeepStrictEqual(now, value)));
    if (added.length + removed.length === 0) return [`${label}: reordered`];
    return [
      `${label}: ${[...added.map((value) => `+ ${show(value)}`), ...removed.map((value) => `- ${show(value)}`)].join(", ")}`,
    ];
  }
  return [`${label}: ${show(before)} → ${show(after)}`];
}

/**
 * `variables`: what the directory's environment file changes (its file, and the APIs elsewhere
 * that use a changed variable); the set says which variables it changes, before and after.
 */
export function planMarkdown(input: {
  directory: string;
  files: PlannedFile[];
  changeSet: ChangeSetView | null;
  variables?: VariablesPlan | null;
  consoleUrl: string;
}): string {
  const { files, changeSet } = input;
  const itemOf = (file: PlannedFile) => changeSet?.items.find((item) => item.apiId === file.apiId);
  const statusOf = (file: PlannedFile) => {
    const status = itemOf(file)?.status ?? "unchanged";
    // Following another template (or none) is a change in Portcullis even when APIM's policy stays.
    return status === "unchanged" && file.followingChanges ? TEMPLATE_ONLY : status;
  };
  const count = (status: string) => files.filter((file) => statusOf(file) === status).length;
  const toApply = count("planned");
  const toChange = toApply + count(TEMPLATE_ONLY);
  const blocked = count("blocked");
  const changed = changeSet?.variables ?? null;
  const variableCount = changed?.changes.length ?? 0;
  const lines = [
    `### Portcullis plan: ${toChange} API${toChange === 1 ? "" : "s"} to change, ${blocked} blocked, ${count("unchanged")} unchanged${changed ? `; ${variableCount} variable${variableCount === 1 ? "" : "s"} of environment ${changed.environment} to change` : ""}`,
    "",
  ];
  if (changeSet === null)
    lines.push(`Every profile in \`${input.directory}\` already is what Portcullis has: no change set was made.`);
  else {
    const link = `${input.consoleUrl}/change-sets/${changeSet.id}`;
    lines.push(`Change set \`${changeSet.id}\` ([open in Portcullis](${link})), ${approvalText(changeSet)}.`);
    if (changeSet.supersedes.length > 0)
      lines.push(
        "",
        `It supersedes ${changeSet.supersedes.map((older) => `change set \`${older.id}\``).join(", ")} (made earlier, not applied): ${changeSet.supersedes.length === 1 ? "that set" : "those sets"} can no longer be approved or applied.`,
      );
    if (toApply === 0 && blocked === 0 && !changed)
      lines.push(
        "",
        `It has nothing to apply: the plans write nothing.${toChange > 0 ? " What the APIs follow changed when it was made." : ""}`,
      );
  }
  if (changed) lines.push("", ...variableLines(changed, input.variables ?? null));
  lines.push("", "| API | Instance | Plan | What changes |", "| --- | --- | --- | --- |");
  for (const file of files) {
    const item = itemOf(file);
    const what = [
      ...file.changes.map((change) => `\`${change}\``),
      ...(item && item.status !== "unchanged" ? [item.summary] : []),
      ...(!item && file.unappliedVersion !== null ? [`version ${file.unappliedVersion} saved, not applied yet`] : []),
    ];
    lines.push(
      `| ${cell(`\`${file.apimName}\` (${file.file})`)} | ${cell(file.instance)} | ${statusOf(file)} | ${cell(what.join("<br>") || "nothing")} |`,
    );
  }
  const blocking = files.flatMap((file) => {
    const item = itemOf(file);
    return item?.status === "blocked" ? blockingLines(file, item) : [];
  });
  if (blocking.length > 0) lines.push("", "**Blocked** (fix the file, then plan again):", "", ...blocking);
  if (changeSet && (toApply > 0 || changed) && blocked === 0)
    lines.push("", `Apply after review: \`portcullis apply --change-set ${changeSet.id} --wait\``);
  return `${lines.join("\n")}\n`;
}

/** The status of an API whose plan writes nothing to APIM but whose template following changes. */
const TEMPLATE_ONLY = "template only";

/** The set's variable changes, each before and after, and the APIs outside the directory that use one. */
function variableLines(changed: ChangeSetVariables, plan: VariablesPlan | null): string[] {
  const lines = [
    `The set changes the variables of environment \`${changed.environment}\`${plan ? ` (${plan.file})` : ""}: they are written when it is applied, under its approval, and its APIs are planned with the new values.`,
    "",
    "| Variable | On Portcullis | In the files |",
    "| --- | --- | --- |",
    ...changed.changes.map(
      (change) => `| \`${change.name}\` | ${cell(change.before ?? "(unset)")} | ${cell(change.after ?? "(removed)")} |`,
    ),
  ];
  if (plan && plan.elsewhere.length > 0)
    lines.push(
      "",
      `Not in this directory and using a changed variable (they keep the values they were saved with until their profile is saved again): ${plan.elsewhere.map((api) => cell(`\`${api}\``)).join(", ")}.`,
    );
  return lines;
}

/** One line of progress while a set applies, e.g. `3 of 5 done (succeeded 2, failed 1), about 4 s left`. */
export function progressLine(changeSet: ChangeSetView): string {
  const { total, done, counts, estimatedSecondsLeft } = changeSet.progress;
  const tally = Object.entries(counts)
    .map(([status, n]) => `${status} ${n}`)
    .join(", ");
  const left = estimatedSecondsLeft === null ? "" : `, about ${estimatedSecondsLeft} s left`;
  return `${changeSet.status}: ${done} of ${total} done (${tally})${left}`;
}

/** One API's outcome once it ended, e.g. `failed: azure-openai (sandbox): ARM answered 500`. */
export function itemLine(item: ChangeSetItemView): string {
  return `${item.status}: ${item.apimName} (${item.instanceName})${item.error ? `: ${item.error}` : ""}`;
}

function approvalText(changeSet: ChangeSetView): string {
  const { approval } = changeSet;
  if (approval.status === "not_required") return "no approval required";
  if (approval.status === "approved") return "approved";
  if (approval.status === "rejected") return "**rejected**";
  return `**needs ${approval.required} approval${approval.required === 1 ? "" : "s"}** (has ${approval.approvedBy}) before it can be applied`;
}

function blockingLines(file: PlannedFile, item: ChangeSetItemView): string[] {
  return item.blocking.map((reason) => `- \`${file.apimName}\` (${file.file}): ${reason.code}: ${reason.message}`);
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : typeof value === "string" ? value : JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
