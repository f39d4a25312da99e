/**
 * One access matrix row per API of an instance read: each API's effective-access paths (the
 * shared mapping, api-access-paths.ts) turned into the matrix's columns. Pure.
 */
import type { AccessFacts, AccessProfile, BackendEntityProperties, EffectiveAccessAnalysis } from "../policy";
import type { ScopeRead, UnreadableScope } from "../apim";
import { accessColumns } from "./access-columns";
import { apiAccessPaths, apiScopesFromInstance, type AccessPath, type ApiAccessPaths } from "./api-access-paths";
import type { InstanceAccessRead } from "./read-instance-access";
import type { AccessMatrixRow, AccessPathRow, FindingSummary, UnreadableScopeView } from "./matrix-schemas";

/** What Portcullis stores about an API: its id and current profile (by APIM name). */
export interface StoredApi {
  id: string;
  profile: AccessProfile | null;
}

export interface MatrixRows {
  rows: AccessMatrixRow[];
  /** Instance-wide reads that failed. */
  unreadable: UnreadableScopeView[];
  readFrom: string;
  readTo: string;
  /** Every client application id a row lists, for the directory. */
  appIds: Set<string>;
}

export function accessMatrixRows(read: InstanceAccessRead, stored: ReadonlyMap<string, StoredApi>): MatrixRows {
  const { scopes } = read;
  const unreadable: UnreadableScopeView[] = [];
  const note = (what: string, value: ScopeRead<unknown>) => {
    if (value.state === "unreadable") unreadable.push(unreadableView(what, value.error));
  };
  note("the APIs of the instance", scopes.apis);
  note("the products of the instance", scopes.products);
  note("the backends of the instance", read.backends);
  const backends =
    read.backends.state === "read"
      ? Object.fromEntries(
          read.backends.value.map((backend) => [backend.name, backend.properties as BackendEntityProperties]),
        )
      : undefined;
  // What the columns resolve names with: which named values exist and what kind each is, the backends' credentials.
  const facts: AccessFacts = {
    ...(read.namedValues.state === "read"
      ? {
          namedValues: read.namedValues.value.map((namedValue) => ({
            name: namedValue.displayName,
            secret: namedValue.secret,
            ...(namedValue.plainValue === undefined ? {} : { value: namedValue.plainValue }),
            ...(namedValue.keyVault === null ? {} : { keyVault: {} }),
          })),
        }
      : {}),
    ...(backends === undefined ? {} : { backends }),
  };
  const appIds = new Set<string>();
  const instants: string[] = [scopes.service.readAt, scopes.apis.readAt, read.namedValues.readAt];
  const rows = (scopes.apis.state === "read" ? scopes.apis.value : []).map((api) => {
    const paths = apiAccessPaths(api.api.name, apiScopesFromInstance(scopes, api), {
      profile: stored.get(api.api.name)?.profile ?? null,
      namedValues: read.namedValues,
      ...(backends === undefined ? {} : { backends }),
    });
    instants.push(paths.readFrom, paths.readTo);
    const row = matrixRow(
      paths,
      facts,
      stored.get(api.api.name)?.id ?? null,
      api.api.displayName,
      api.api.path ?? null,
    );
    for (const path of row.paths) for (const client of path.clientApplications) appIds.add(client.appId);
    return row;
  });
  const sorted = instants.filter((instant) => instant !== "").sort();
  return { rows, unreadable, readFrom: sorted[0] ?? "", readTo: sorted[sorted.length - 1] ?? "", appIds };
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
