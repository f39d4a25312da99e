/**
 * The request as the statements leave it, on one path through the pipeline: which headers they
 * set, replaced or removed, which managed identity tokens sit in variables, and which backend was
 * selected. Headers no statement touched are as the caller sent them. Immutable: a path that
 * forks shares what came before.
 */
import type { PipelineStatement, PolicyValue, StatementRef } from "../effective-pipeline";
import { scopeRank, statementRef } from "../effective-pipeline";
import { resolve } from "../policy-value";

export interface ManagedIdentityToken {
  resource: PolicyValue | null;
  clientId: PolicyValue | null;
}

export type HeaderState =
  | { kind: "deleted"; by: StatementRef }
  /** Set to values written in the policy (literal, named value or expression). */
  | { kind: "set"; values: PolicyValue[]; by: StatementRef }
  | { kind: "managed-identity"; token: ManagedIdentityToken; by: StatementRef }
  | { kind: "basic"; by: StatementRef }
  /** Changed in a way the engine cannot follow (appended to, an exists-action computed by an expression, …). */
  | { kind: "changed"; how: string; by: StatementRef };

export interface BackendTarget {
  backendId: PolicyValue | null;
  baseUrl: PolicyValue | null;
  by: StatementRef;
}

export interface RequestState {
  /** Headers statements changed, by lower-case name. */
  headers: Readonly<Record<string, HeaderState>>;
  /** A set-header whose name is computed ran: any header may have changed. */
  anyHeader: StatementRef | null;
  variables: Readonly<Record<string, ManagedIdentityToken>>;
  target: BackendTarget | null;
  certificate: StatementRef | null;
}

export const INITIAL_REQUEST: RequestState = {
  headers: {},
  anyHeader: null,
  variables: {},
  target: null,
  certificate: null,
};

/** Whether the caller's request carries a header: true, false, or undefined when the what-if does not say. */
export type CallerHeaders = (name: string) => boolean | undefined;

/** The request after a statement that changes headers, variables or the backend; others leave it as it is. */
export function applyStatement(
  state: RequestState,
  statement: PipelineStatement,
  namedValues: ReadonlyMap<string, string>,
  callerHeaders: CallerHeaders,
): RequestState {
  const by = statementRef(statement);
  switch (statement.role) {
    case "header":
      return applyHeader(state, statement, by, namedValues, callerHeaders);
    case "managed-identity": {
      const token = { resource: statement.resource, clientId: statement.clientId };
      // Without an output variable the policy "will set the value of the token in the Authorization header using the Bearer scheme".
      return statement.outputTokenVariable === null
        ? withHeader(state, "authorization", { kind: "managed-identity", token, by })
        : { ...state, variables: withEntry(state.variables, statement.outputTokenVariable, token) };
    }
    case "backend-authentication":
      return statement.kind === "basic"
        ? withHeader(state, "authorization", { kind: "basic", by })
        : { ...state, certificate: by };
    case "backend-target": {
      const current = state.target;
      // "If you define a base set-backend-service policy using the backend-id attribute and inherit the base
      // policy using <base /> within the scope, then it can only be overridden with a policy using the
      // backend-id attribute, not the base-url attribute."
      const inherited =
        current !== null && current.backendId !== null && scopeRank(statement.scope) > scopeRank(current.by.scope);
      if (inherited && statement.backendId === null) return state;
      return { ...state, target: { backendId: statement.backendId, baseUrl: statement.baseUrl, by } };
    }
    default:
      return state;
  }
}

function applyHeader(
  state: RequestState,
  statement: Extract<PipelineStatement, { role: "header" }>,
  by: StatementRef,
  namedValues: ReadonlyMap<string, string>,
  callerHeaders: CallerHeaders,
): RequestState {
  const name = statement.header === null ? undefined : resolve(statement.header, namedValues);
  if (name === undefined || !name.ok) return { ...state, anyHeader: by };
  const header = name.value.toLowerCase();
  const action = resolve(statement.action, namedValues);
  const verb = action.ok ? action.value.trim().toLowerCase() : "";
  if (verb === "delete") return withHeader(state, header, { kind: "deleted", by });
  if (verb === "override") return withHeader(state, header, overridden(state, statement, by));
  if (verb === "skip") {
    // "skip - does not replace the existing header value."
    const current = state.headers[header];
    const present = current === undefined ? callerHeaders(header) : current.kind !== "deleted";
    if (present === true) return state;
    if (present === false || current?.kind === "deleted")
      return withHeader(state, header, overridden(state, statement, by));
    return withHeader(state, header, { kind: "changed", how: "set only if the caller did not send it", by });
  }
  if (verb === "append") return withHeader(state, header, { kind: "changed", how: "appended to", by });
  return withHeader(state, header, { kind: "changed", how: `exists-action ${statement.action.text}`, by });
}

function overridden(
  state: RequestState,
  statement: Extract<PipelineStatement, { role: "header" }>,
  by: StatementRef,
): HeaderState {
  const [value, ...others] = statement.values;
  const variable = value?.bearerOfVariable;
  if (others.length === 0 && variable !== undefined && Object.hasOwn(state.variables, variable))
    return { kind: "managed-identity", token: state.variables[variable] as ManagedIdentityToken, by };
  return { kind: "set", values: statement.values.map(({ text, kind }) => ({ text, kind })), by };
}

function withHeader(state: RequestState, header: string, value: HeaderState): RequestState {
  return { ...state, headers: withEntry(state.headers, header, value) };
}

/** A copy with one more entry (a spread that adds a key is slow in V8; this runs per statement and path). */
function withEntry<T>(record: Readonly<Record<string, T>>, key: string, value: T): Record<string, T> {
  const copy: Record<string, T> = Object.assign({}, record);
  copy[key] = value;
  return copy;
}

// Paths are merged by the state they leave the request in, often; states and the header states
// in them are immutable and shared between paths, so each is keyed once.
const keys = new WeakMap<object, string>();

function keyOf(value: object): string {
  let key = keys.get(value);
  if (key === undefined) {
    key = JSON.stringify(value);
    keys.set(value, key);
  }
  return key;
}

/** A string equal for two request states exactly when they are alike. */
export function requestKey(request: RequestState): string {
  let key = keys.get(request);
  if (key !== undefined) return key;
  const ref = (statement: StatementRef | null) =>
    statement === null ? "" : `${statement.scope}:${statement.fragment ?? ""}:${statement.line}:${statement.column}`;
  const parts: string[] = [];
  for (const name of Object.keys(request.headers).sort())
    parts.push(`${name}=${keyOf(request.headers[name] as HeaderState)}`);
  for (const name of Object.keys(request.variables).sort())
    parts.push(`$${name}=${keyOf(request.variables[name] as ManagedIdentityToken)}`);
  const target = request.target;
  parts.push(
    target === null ? "" : `${keyOf(target.backendId ?? {})}>${keyOf(target.baseUrl ?? {})}@${ref(target.by)}`,
  );
  parts.push(ref(request.anyHeader), ref(request.certificate));
  key = parts.join("|");
  keys.set(request, key);
  return key;
}
