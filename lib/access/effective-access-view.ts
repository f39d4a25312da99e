/**
 * Effective access as the REST API and the console show it: per path, the statements that decide
 * access and the backend call (in the order they run, with scope, line and whether Portcullis
 * manages them, and what each does in words), the findings and what could not be concluded.
 */
import type { UnreadableScope } from "../apim";
import {
  walkPipeline,
  type EffectiveAccessAnalysis,
  type EffectivePipeline,
  type PipelineStatement,
  type PolicyValue,
  type StatementRef,
  type Visit,
} from "../policy";
import { decidesAccess, type AccessPath, type ApiAccessPaths, type UnreadableRead } from "./api-access-paths";
import type { AccessPathView, AccessStatementView, EffectiveAccessView, EffectiveFindingView } from "./schemas";

type StatementRefView = Pick<AccessStatementView, "element" | "scope" | "scopeId" | "line" | "column" | "fragment">;

export function effectiveAccessView(
  access: ApiAccessPaths,
  api: { id: string; apimName: string; displayName: string },
  extra: { profileVersion: number | null; armRequests: number },
): Omit<EffectiveAccessView, "clientApplications" | "directory" | "directoryProblem"> {
  return {
    apiId: api.id,
    apimName: api.apimName,
    displayName: api.displayName,
    profileVersion: extra.profileVersion,
    readFrom: access.readFrom,
    readTo: access.readTo,
    armRequests: extra.armRequests,
    unreadable: access.unreadable.map(unreadableView),
    notConcluded: access.notConcluded,
    blocking: access.blocking,
    paths: access.paths.map(pathView),
  };
}

export function unreadableView(read: UnreadableRead): EffectiveAccessView["unreadable"][number] {
  const error: UnreadableScope = read.error;
  return {
    what: read.what,
    message: error.message,
    status: error.status,
    armCode: error.armCode,
    armMessage: error.armMessage,
    correlationId: error.correlationId,
    requestIds: error.requestIds,
    readAt: read.readAt,
  };
}

function pathView(path: AccessPath): AccessPathView {
  return {
    key: path.key,
    productId: path.product?.name ?? null,
    productName: path.product?.displayName ?? null,
    label: path.label,
    subscriptionRequired: path.subscriptionRequired,
    ...analysedView(path.pipeline, path.analysis),
    operations: path.operations.map(({ operation, pipeline, analysis, differences }) => ({
      operationId: operation.name,
      displayName: operation.displayName,
      method: operation.method,
      urlTemplate: operation.urlTemplate,
      differences,
      ...analysedView(pipeline, analysis),
    })),
  };
}

function analysedView(pipeline: EffectivePipeline, analysis: EffectiveAccessAnalysis) {
  return {
    scopes: pipeline.scopes.map(({ missingSections: _missing, format: _format, ...report }) => report),
    statements: walkPipeline(pipeline, ["inbound", "backend"])
      .filter((visit) => decidesAccess(visit.statement))
      .map((visit) => statementView(pipeline, visit)),
    findings: findingViews(pipeline, analysis),
    notConcluded: analysis.notConcluded,
    notes: pipeline.notes,
  };
}

/** An analysis's findings as shown, each with the id of its scope. */
export function findingViews(pipeline: EffectivePipeline, analysis: EffectiveAccessAnalysis): EffectiveFindingView[] {
  return analysis.findings.map((finding) => {
    const { related: _related, ...rest } = finding;
    return { ...rest, scopeId: scopeIdOf(pipeline, finding.scope) };
  });
}

/** Where a statement is, with the id of its scope (the product, API or operation). */
export function refView(pipeline: EffectivePipeline, ref: StatementRef): StatementRefView {
  const { element, scope, line, column, fragment } = ref;
  return {
    element,
    scope,
    scopeId: scopeIdOf(pipeline, scope),
    line,
    column,
    ...(fragment === undefined ? {} : { fragment }),
  };
}

function scopeIdOf(pipeline: EffectivePipeline, scope: StatementRef["scope"]): string | null {
  return pipeline.scopes.find((report) => report.scope === scope)?.id ?? null;
}

function statementView(pipeline: EffectivePipeline, visit: Visit): AccessStatementView {
  const { statement } = visit;
  return {
    ...refView(pipeline, statement),
    section: visit.section,
    role: statement.role,
    managed: statement.managed,
    depth: visit.branches.length,
    condition: conditionOf(visit),
    summary: summarise(statement),
  };
}

function conditionOf(visit: Visit): string | null {
  if (visit.uncertain) return "where it may run: what stands there is undetermined";
  if (visit.branches.length === 0) return null;
  return `when ${visit.branches
    .map(({ choose, branch }) => {
      const chosen = choose.role === "choose" ? choose.branches[branch] : undefined;
      return chosen?.condition
        ? `the condition on line ${chosen.condition.line} holds`
        : `no condition of the choose on line ${choose.line} holds`;
    })
    .join(" and ")}`;
}

const text = (value: PolicyValue | null | undefined) => value?.text ?? "(not set)";
const listed = (values: PolicyValue[] | null, none: string) =>
  values === null || values.length === 0 ? none : values.map((value) => value.text).join(", ");

/** What a statement does, in words. */
export function summarise(statement: PipelineStatement): string {
  switch (statement.role) {
    case "caller-check": {
      const check = statement.check;
      switch (check.kind) {
        case "validate-azure-ad-token":
          return `Validates Entra ID tokens of tenant ${text(check.tenantId)}; client applications: ${listed(check.clientApplicationIds, "any")}; audiences: ${listed(check.audiences, "any")}${claimsPhrase(check.requiredClaims)}`;
        case "validate-jwt":
          return `Validates JWTs; issuers: ${listed(check.issuers, check.openIdConfigUrls.length > 0 ? "from the OpenID configuration" : "any")}; audiences: ${listed(check.audiences, "any")}${check.openIdConfigUrls.length > 0 ? `; OpenID configuration ${check.openIdConfigUrls.map((url) => url.text).join(", ")}` : ""}${claimsPhrase(check.requiredClaims)}`;
        case "check-header":
          return `Requires header ${text(check.name)} to be ${listed(check.values, "present")}`;
        case "ip-filter":
          return `${text(check.action) === "forbid" ? "Refuses" : "Allows only"} caller addresses ${[...check.addresses.map((address) => address.text), ...check.ranges.map((range) => `${text(range.from)}–${text(range.to)}`)].join(", ") || "(none listed)"}`;
        case "validate-client-certificate":
          return "Validates the caller's client certificate";
      }
      break;
    }
    case "answer":
      return `Answers the caller itself${statement.status ? ` with status ${statement.status.text}` : ""}: the backend is not called`;
    case "header":
      return `${headerAction(statement.action.text)} header ${text(statement.header)}${statement.values.length > 0 ? ` to ${statement.values.map((value) => value.text).join(", ")}` : ""}`;
    case "managed-identity":
      return `Gets a token of the service's ${statement.clientId ? `user-assigned identity ${statement.clientId.text}` : "system-assigned identity"} for ${text(statement.resource)}${statement.outputTokenVariable ? ` into variable ${statement.outputTokenVariable}` : " into the Authorization header"}`;
    case "backend-authentication":
      return statement.kind === "basic"
        ? "Sends basic credentials to the backend"
        : "Sends a client certificate to the backend";
    case "backend-target":
      return statement.backendId
        ? `Sends the call to backend '${statement.backendId.text}' (with its credentials)`
        : `Sends the call to ${text(statement.baseUrl)}`;
    case "undetermined":
      return `Undetermined: ${statement.reason}`;
    case "other":
      return statement.effect === "answers"
        ? "May answer the caller without calling the backend"
        : "Sends the request or its data elsewhere";
    default:
      return statement.element;
  }
  return statement.element;
}

function headerAction(action: string): string {
  if (action === "delete") return "Removes";
  if (action === "skip") return "Sets (unless the caller sent it)";
  if (action === "append") return "Appends to";
  return "Sets";
}

function claimsPhrase(claims: Array<{ name: PolicyValue; values: PolicyValue[] }>): string {
  if (claims.length === 0) return "";
  return `; required claims: ${claims.map((claim) => `${claim.name.text} = ${claim.values.map((value) => value.text).join(" or ") || "(present)"}`).join("; ")}`;
}
