/**
 * Who wrote the inputs a plan brings to its API (separation of duties, pure): their approval of
 * it never counts, like its author's. The rule and why it is this one: lib/deployments/README.md,
 * "Who may approve".
 */

/** Who wrote something: by object id (null for rows written before it was kept; then by name). */
export interface Writer {
  oid: string | null;
  name: string;
}

/** Someone who wrote an input of a plan, and which (named, never a value). */
export interface Contributor extends Writer {
  wrote: string;
}

/** A variable a version was resolved with, and who wrote the value it took. */
export interface ResolvedVariableRecord {
  name: string;
  value: string;
  writtenBy: Writer;
}

/** A profile version as the rule reads it: its author, and the template version it was saved from. */
export interface VersionInput {
  version: number;
  author: Writer;
  template: { id: string; name: string; version: number; author: Writer | null } | null;
}

/** What a plan plans, against what its API last had applied before the plan was made. */
export interface PlanInputs {
  apimName: string;
  /** The versions the plan brings: every version after the baseline up to the planned one (the planned one alone when it is older). */
  brought: readonly VersionInput[];
  /** The template version the baseline was saved from; null: none, or nothing was applied. */
  baselineTemplate: { id: string; version: number } | null;
  /** The variables the planned version was resolved with; null: none, or not kept (saved before they were). */
  plannedVariables: readonly ResolvedVariableRecord[] | null;
  /** The same of the baseline version; null: nothing applied, no variables, or not kept. */
  baselineVariables: readonly ResolvedVariableRecord[] | null;
}

/**
 * The writers of what the plan brings to its API that it did not already have: the author of
 * each profile version saved since the last applied one (a later version carries an earlier one's
 * content, seen or not), the author of the template version each was saved from unless the
 * applied version came from that same template version, and the writer of each variable value
 * the planned version takes that the applied version did not (a value already applied
 * disqualifies nobody, however recent its write).
 */
export function planContributors(inputs: PlanInputs): Contributor[] {
  const contributors: Contributor[] = [];
  for (const version of inputs.brought) {
    contributors.push({ ...version.author, wrote: `profile version ${version.version} of ${inputs.apimName}` });
    const { template } = version;
    const applied = inputs.baselineTemplate;
    if (template?.author && !(applied?.id === template.id && applied.version === template.version))
      contributors.push({ ...template.author, wrote: `template ${template.name} version ${template.version}` });
  }
  const appliedValues = new Map((inputs.baselineVariables ?? []).map((variable) => [variable.name, variable.value]));
  for (const variable of inputs.plannedVariables ?? []) {
    if (appliedValues.get(variable.name) === variable.value) continue;
    contributors.push({
      ...variable.writtenBy,
      wrote: `the value of \${${variable.name}} planned for ${inputs.apimName}`,
    });
  }
  return contributors;
}

/** Whether `actor` is this writer: by object id when it was kept, by name for older rows. */
export function isWriter(writer: Writer, actor: { oid: string; name: string }): boolean {
  return writer.oid !== null ? writer.oid === actor.oid : writer.name === actor.name;
}

/** What `actor` wrote of these contributions (each input once), empty when nothing. */
export function writtenBy(contributors: readonly Contributor[], actor: { oid: string; name: string }): string[] {
  return [...new Set(contributors.filter((contributor) => isWriter(contributor, actor)).map(({ wrote }) => wrote))];
}
