import { apiAccessPaths } from "./api-access-paths";
import { effectiveAccessView } from "./effective-access-view";
import type { ApiAccessRead } from "./read-api-access";
import type { EffectiveFindingView, PlanAccessCheck } from "./schemas";

/**
 * The effective access a plan would leave: every scope of the API as read (readAccessScopes, with
 * the profile planned), with the API's own policy replaced by the one the plan writes (`policyXml`,
 * null when the API would have none). A finding that makes the profile ineffective — an operation
 * that skips its caller validation, a later statement that replaces its backend credential —
 * blocks the plan; the others are kept as warnings. A finding that several paths or operations
 * share is listed once, with where it was found. Pure; not authorised here: the use case that
 * makes the plan is.
 */
export function checkPlannedAccess(
  api: { id: string; apimName: string; displayName: string },
  read: Pick<ApiAccessRead, "scopes" | "context" | "armRequests">,
  planned: { profileVersion: number; policyXml: string | null },
): PlanAccessCheck {
  const policy = {
    state: "read" as const,
    value: planned.policyXml === null ? null : { xml: planned.policyXml, etag: "" },
    readAt: read.scopes.policy.readAt,
  };
  const access = apiAccessPaths(api.apimName, { ...read.scopes, policy }, read.context);
  const view = effectiveAccessView(access, api, {
    profileVersion: planned.profileVersion,
    armRequests: read.armRequests,
  });

  const findings = new Map<string, PlanAccessCheck["findings"][number]>();
  const keyOf = (finding: EffectiveFindingView) =>
    [finding.code, finding.scope, finding.scopeId, finding.fragment, finding.line, finding.column].join("|");
  const note = (finding: EffectiveFindingView, where: string) => {
    const known = findings.get(keyOf(finding));
    if (!known) findings.set(keyOf(finding), { ...finding, where: [where] });
    else if (!known.where.includes(where)) known.where.push(where);
  };
  const notConcluded = new Set(view.notConcluded.map((item) => item.reason));
  for (const path of view.paths) {
    for (const finding of path.findings) note(finding, path.label);
    for (const item of path.notConcluded) notConcluded.add(item.reason);
    // An operation's pipeline holds the path's too: only what the operation adds is its own.
    const onPath = new Set(path.findings.map(keyOf));
    for (const operation of path.operations)
      for (const finding of operation.findings)
        if (!onPath.has(keyOf(finding))) note(finding, `operation ${operation.operationId} through ${path.label}`);
  }
  return {
    readAt: view.readTo,
    blocking: view.blocking,
    findings: [...findings.values()],
    notConcluded: [...notConcluded],
  };
}
