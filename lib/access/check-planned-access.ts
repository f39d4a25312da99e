import { apiAccessPaths } from "./api-access-paths";
import { findingViews } from "./effective-access-view";
import type { ApiAccessRead } from "./read-api-access";
import type { EffectiveFindingView, PlanAccessCheck } from "./schemas";

/**
 * The effective access a plan would leave: every scope of the API as read (readAccessScopes, with
 * the profile planned), with the API's own policy replaced by the one the plan writes (`policyXml`,
 * null when the API would have none). A finding that makes the profile ineffective — an operation
 * that skips its caller validation, a later statement that replaces its backend credential —
 * blocks the plan; the others are kept as warnings. A finding that several paths or operations
 * share is listed once, with where it was found. Only the findings are made into views: what
 * the API page shows besides (every statement in words) a plan does not keep. Pure; not
 * authorised here: the use case that makes the plan is.
 */
export function checkPlannedAccess(
  api: { apimName: string },
  read: Pick<ApiAccessRead, "scopes" | "context">,
  planned: { profileVersion: number; policyXml: string | null },
): PlanAccessCheck {
  const policy = {
    state: "read" as const,
    value: planned.policyXml === null ? null : { xml: planned.policyXml, etag: "" },
    readAt: read.scopes.policy.readAt,
  };
  const access = apiAccessPaths(api.apimName, { ...read.scopes, policy }, read.context);

  const findings = new Map<string, PlanAccessCheck["findings"][number]>();
  const keyOf = (finding: EffectiveFindingView) =>
    [finding.code, finding.scope, finding.scopeId, finding.fragment, finding.line, finding.column].join("|");
  const note = (finding: EffectiveFindingView, where: string) => {
    const known = findings.get(keyOf(finding));
    if (!known) findings.set(keyOf(finding), { ...finding, where: [where] });
    else if (!known.where.includes(where)) known.where.push(where);
  };
  const notConcluded = new Set(access.notConcluded.map((item) => item.reason));
  for (const path of access.paths) {
    const pathFindings = findingViews(path.pipeline, path.analysis);
    for (const finding of pathFindings) note(finding, path.label);
    for (const item of path.analysis.notConcluded) notConcluded.add(item.reason);
    // An operation's pipeline holds the path's too: only what the operation adds is its own.
    const onPath = new Set(pathFindings.map(keyOf));
    for (const { operation, pipeline, analysis } of path.operations)
      for (const finding of findingViews(pipeline, analysis))
        if (!onPath.has(keyOf(finding))) note(finding, `operation ${operation.name} through ${path.label}`);
  }
  return {
    readAt: access.readTo,
    blocking: access.blocking,
    findings: [...findings.values()],
    notConcluded: [...notConcluded],
  };
}
