/**
 * One access matrix row per API of an instance read: each API's effective-access paths (the
 * shared mapping, api-access-paths.ts) turned into the matrix's columns. Pure; a row can be
 * made as soon as its API has been read (the instance read hands each over as it completes).
 */
import type { AccessFacts, AccessProfile, BackendEntityProperties, EffectiveAccessAnalysis } from "../policy";
import type {
  ApiScopes,
  Backend,
  InstanceScopes,
  NamedValue,
  ScopeRead,
  SharedInstanceScopes,
  UnreadableScope,
} from "../apim";
import { accessColumns } from "./access-columns";
import { apiAccessPaths, apiScopesFromInstance, type AccessPath, type ApiAccessPaths } from "./api-access-paths";
import type { InstanceAccessRead } from "./read-instance-access";
import type { AccessMatrixRow, AccessPathRow, FindingSummary, UnreadableScopeView } from "./matrix-schemas";

/** What Portcullis stores about an API: its id and current profile (by APIM name). */
export interface StoredApi {
  id: string;
  profile: AccessProfile | null;
}

/** What every API's row is read with: the scopes all APIs share, the named values and the backends. */
export interface MatrixContext {
  shared: SharedInstanceScopes;
  namedValues: ScopeRead<NamedValue[]>;
  backendMap: Record<string, BackendEntityProperties> | undefined;
  /** What the columns resolve names with: which named values exist and what kind each is, the backends' credentials. */
  facts: AccessFacts;
}

export function matrixContext(
  shared: SharedInstanceScopes,
  namedValues: ScopeRead<NamedValue[]>,
  backends: ScopeRead<Backend[]>,
): MatrixContext {
  const backendMap =
    backends.state === "read"
      ? Object.fromEntries(
          backends.value.map((backend) => [backend.name, backend.properties as BackendEntityProperties]),
        )
      : undefined;
  const facts: AccessFacts = {
    ...(namedValues.state === "read"
      ? {
          namedValues: namedValues.value.map((namedValue) => ({
            name: namedValue.displayName,
            secret: namedValue.secret,
            ...(namedValue.plainValue === undefined ? {} : { value: namedValue.plainValue }),
            ...(namedValue.keyVault === null ? {} : { keyVault: {} }),
          })),
        }
      : {}),
    ...(backendMap === undefined ? {} : { backends: backendMap }),
  };
  return { shared, namedValues, backendMap, facts };
}

/** One API's row, with the span of instants its scopes were read at. */
export interface MatrixRow {
  row: AccessMatrixRow;
  readFrom: string;
  readTo: string;
}

/** The row of one API, as soon as it and the shared scopes have been read. */
export function accessMatrixRow(api: ApiScopes, context: MatrixContext, stored: StoredApi | undefined): MatrixRow {
  // The API arrived in a page of the list; its own policy was read right after.
  const instance: InstanceScopes = {
    ...context.shared,
    apis: { state: "read", value: [], readAt: api.policy.readAt },
    requests: 0,
  };
  const paths = apiAccessPaths(api.api.name, apiScopesFromInstance(instance, api), {
    profile: stored?.profile ?? null,
    namedValues: context.namedValues,
    ...(context.backendMap === undefined ? {} : { backends: context.backendMap }),
  });
  return {
    row: matrixRow(paths, context.facts, stored?.id ?? null, api.api.displayName, api.api.path ?? null),
    readFrom: paths.readFrom,
    readTo: paths.readTo,
  };
}

/** Instance-wide reads that failed: APIs there are missing from the matrix. */
export function instanceUnreadable(read: InstanceAccessRead): UnreadableScopeView[] {
  const unreadable: UnreadableScopeView[] = [];
  const note = (what: string, value: ScopeRead<unknown>) => {
    if (value.state === "unreadable") unreadable.push(unreadableView(what, value.error));
  };
  note("the APIs of the instance", read.scopes.apis);
  note("the products of the instance", read.scopes.products);
  note("the backends of the instance", read.backends);
  return unreadable;
}

function matrixRow(
  paths: ApiAccessPaths,
  facts: AccessFacts,
  apiId: string | null,
  displayName: string,
  path: string | null,
): AccessMatrixRow {
  const rows = paths.paths.map((path) => pathRow(path, facts));
  const analyses = paths.paths.flatMap((path) => [path.analysis, ...path.operations.map((o) => o.analysis)]);
  const columnsOf = ({
    key: _k,
    productId: _p,
    productName: _n,
    label: _l,
    subscriptionRequired: _s,
    ...rest
  }: AccessPathRow) => JSON.stringify(rest);
  return {
    apiId,
    apimName: paths.apiName,
    displayName,
    path,
    uniform: rows.every((row) => columnsOf(row) === columnsOf(rows[0]!)),
    paths: rows,
    anyoneCanCall: rows.some((row) => row.anyoneCanCall),
    findings: summarize(analyses),
    unreadable: paths.unreadable.map(({ what, error }) => unreadableView(what, error)),
    notConcluded: paths.notConcluded.map((entry) => entry.reason),
  };
}

function pathRow(path: AccessPath, facts: AccessFacts): AccessPathRow {
  const pipelines = [path.pipeline, ...path.operations.map((operation) => operation.pipeline)];
  const analyses = [path.analysis, ...path.operations.map((operation) => operation.analysis)];
  const columns = accessColumns(pipelines, facts);
  return {
    key: path.key,
    productId: path.product?.name ?? null,
    productName: path.product?.displayName ?? null,
    label: path.label,
    subscriptionRequired: path.subscriptionRequired,
    ...columns,
    clientApplications: columns.clientApplications.map((appId) => ({ appId, displayName: null })),
    anyoneCanCall: analyses.some((analysis) => analysis.findings.some((finding) => finding.code === "anyone-can-call")),
    findings: summarize(analyses),
    operations: path.operations.map(({ operation, analysis }) => ({
      name: operation.name,
      displayName: operation.displayName,
      codes: distinct(analysis.findings.map((finding) => finding.code)),
    })),
  };
}

function summarize(analyses: readonly EffectiveAccessAnalysis[]): FindingSummary {
  const findings = analyses.flatMap((analysis) => analysis.findings);
  return {
    count: findings.length,
    codes: distinct(findings.map((finding) => finding.code)),
    blocking: analyses.some((analysis) => analysis.blocking),
    notConcluded: distinct(analyses.flatMap((analysis) => analysis.notConcluded.map((entry) => entry.code))),
  };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

export function unreadableView(what: string, error: UnreadableScope): UnreadableScopeView {
  return {
    what,
    status: error.status,
    armCode: error.armCode,
    message: error.armMessage ?? error.message,
    correlationId: error.correlationId,
    requestIds: error.requestIds,
  };
}
