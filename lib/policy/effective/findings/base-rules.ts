/**
 * What a missing `<base />` leaves out: "If you remove the base element at the API scope, only
 * policies configured at the API scope will be applied. Neither product nor global scope policies
 * would be applied." An operation that drops `<base />` skips the API's caller validation.
 */
import {
  describeStatement,
  POLICY_SECTIONS,
  SCOPE_NAMES,
  type EffectivePipeline,
  type PipelineStatement,
  scopeRank,
  type ScopeReport,
} from "../effective-pipeline";
import { walkPipeline, walkStatements } from "../walk-pipeline";
import { findingAt, type EffectiveAccessFinding, type NotConcluded } from "./effective-access-finding";

export function skippedStatementFindings(
  pipeline: EffectivePipeline,
  notConcluded: NotConcluded[],
): EffectiveAccessFinding[] {
  const findings: EffectiveAccessFinding[] = [];
  for (const section of POLICY_SECTIONS) {
    for (const group of pipeline.sections[section].skipped) {
      const skipped = walkStatements(group.statements, section).map((visit) => visit.statement);
      const checks = skipped.filter((statement) => statement.role === "caller-check");
      const managed = skipped.filter((statement) => statement.managed && statement.role !== "caller-check");
      const where = { element: section, scope: group.by, line: group.line, column: 1 };
      const unknown = skipped.filter((statement) => statement.role === "undetermined");
      if (unknown.length > 0)
        notConcluded.push({
          code: "caller-validation-skipped",
          reason: `the ${scopeName(pipeline, group.by)} policy leaves out <base /> in <${section}>, and what it skips is partly undetermined: ${unknown.map((statement) => (statement.role === "undetermined" ? statement.reason : "")).join("; ")}`,
        });
      const dropper = `The ${scopeName(pipeline, group.by)} policy has no <base /> in <${section}>`;
      if (checks.length > 0) {
        findings.push(
          findingAt(
            where,
            "caller-validation-skipped",
            checks.some((check) => check.managed) ? "blocking" : "warning",
            `${dropper}, so ${list(checks)} ${checks.length === 1 ? "does" : "do"} not run for this call: callers are not checked there.`,
            checks,
          ),
        );
      }
      if (managed.length > 0) {
        findings.push(
          findingAt(
            where,
            "managed-statements-skipped",
            "blocking",
            `${dropper}, so the Portcullis block's ${list(managed)} ${managed.length === 1 ? "does" : "do"} not run for this call.`,
            managed,
          ),
        );
      }
    }
  }
  return findings;
}

/**
 * A scope whose document leaves out `<inbound>`: the documentation does not say whether APIM then
 * runs the broader scopes' caller validation, so a person must look.
 */
export function missingInboundFindings(pipeline: EffectivePipeline): EffectiveAccessFinding[] {
  const checks = walkPipeline(pipeline, ["inbound"])
    .map((visit) => visit.statement)
    .filter((statement) => statement.role === "caller-check");
  return pipeline.scopes
    .filter((report) => report.missingSections.includes("inbound") && report.scope !== "global")
    .flatMap((report) => {
      const broader = checks.filter((check) => scopeRank(check.scope) < scopeRank(report.scope));
      if (broader.length === 0) return [];
      return [
        findingAt(
          { element: "policies", scope: report.scope, line: 1, column: 1 },
          "inbound-section-missing",
          "warning",
          `The ${scopeName(pipeline, report.scope)} policy has no <inbound> section; the documentation does not say whether APIM then runs ${list(broader)}, so write <inbound><base /></inbound> to be sure callers are checked.`,
          broader,
        ),
      ];
    });
}

function scopeName(pipeline: EffectivePipeline, scope: ScopeReport["scope"]): string {
  const id = pipeline.scopes.find((report) => report.scope === scope)?.id;
  return id === null || id === undefined ? SCOPE_NAMES[scope] : `${SCOPE_NAMES[scope]} ('${id}')`;
}

export function list(statements: readonly PipelineStatement[]): string {
  const described = statements.slice(0, 3).map(describeStatement);
  const more = statements.length > 3 ? ` and ${statements.length - 3} more` : "";
  return described.join(", ") + more;
}
