import {
  composeEffectivePipeline,
  findEffectiveAccessFindings,
  POLICY_SECTIONS,
  type EffectiveAccessAnalysis,
  type EffectivePipeline,
  type PipelineStatement,
} from "../lib/policy";
import type { CliIo } from "./cli-io";
import { parseCommandArgs } from "./parse-command-args";
import { readFacts, readScopes, scopeOptions, scopeUsage } from "./scope-files";

export const effectiveUsage = `Usage: portcullis policy effective --global FILE [--product FILE] --api FILE [--operation FILE] [--json] [options]

Composes the statements one call runs — the global, product, API and operation policies joined by
<base /> — in order, per section, each with its scope, line and whether Portcullis manages it, and
lists what undoes an access profile: skipped caller validation, overridden backend or credential,
the token header rewritten before validation, nobody checked, and more (lib/policy/README.md).
Exits 1 when a finding is blocking (the profile would be ineffective), 2 on bad input.

${scopeUsage}
  --json                print { scopes, sections, notes, findings, notConcluded, blocking } as JSON
  --help                show this help
`;

export async function effectiveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { ...scopeOptions, json: { type: "boolean" } }, 0);
  const input = await readScopes(values, io);
  const pipeline = composeEffectivePipeline(input);
  const analysis = findEffectiveAccessFindings(pipeline, await readFacts(values, io));
  if (values.json === true) {
    const { profile: _profile, ...shown } = pipeline;
    io.stdout(`${JSON.stringify({ ...shown, ...analysis }, null, 2)}\n`);
  } else io.stdout(asText(pipeline, analysis));
  return analysis.blocking ? 1 : 0;
}

function asText(pipeline: EffectivePipeline, analysis: EffectiveAccessAnalysis): string {
  const lines: string[] = [];
  for (const report of pipeline.scopes)
    if (report.status === "unreadable") lines.push(`${report.scope}: unreadable: ${report.reason}`);
  for (const section of POLICY_SECTIONS) {
    const { statements, skipped } = pipeline.sections[section];
    lines.push(`${section}:`);
    lines.push(...outline(statements, "  "));
    for (const group of skipped) {
      lines.push(`  not run (the ${group.by} policy has no <base /> here, line ${group.line}):`);
      lines.push(...outline(group.statements, "    "));
    }
  }
  for (const note of pipeline.notes)
    lines.push(`note ${note.scope}${note.line === undefined ? "" : `:${note.line}`}: ${note.message}`);
  for (const finding of analysis.findings)
    lines.push(`${finding.scope}:${finding.line}: ${finding.severity} ${finding.code}: ${finding.message}`);
  for (const entry of analysis.notConcluded) lines.push(`not concluded ${entry.code}: ${entry.reason}`);
  return `${lines.join("\n")}\n`;
}

function outline(statements: readonly PipelineStatement[], indent: string): string[] {
  return statements.flatMap((statement) => {
    const where = `${statement.fragment === undefined ? statement.scope : `${statement.scope}/${statement.fragment}`}:${statement.line}`;
    const line = `${indent}${where} <${statement.element}> ${statement.role}${statement.managed ? " (managed)" : ""}`;
    if (statement.role === "choose")
      return [
        line,
        ...statement.branches.flatMap((branch) => [
          `${indent}  ${branch.condition === null ? "otherwise" : `when ${branch.condition.text} (line ${branch.condition.line})`}:`,
          ...outline(branch.statements, `${indent}    `),
        ]),
      ];
    if (statement.role === "container") return [line, ...outline(statement.statements, `${indent}  `)];
    if (statement.role === "undetermined")
      return [`${line}: ${statement.reason}`, ...outline(statement.possibly, `${indent}  `)];
    return [line];
  });
}
