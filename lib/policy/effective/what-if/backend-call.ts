/**
 * What the backend call carries when the request is forwarded: each credential with where it
 * comes from (a named value, a managed identity, the caller's own header, a backend entity), never
 * a value — named values are named, not read.
 */
import { findNamedValueReferences } from "../../document/policy-references";
import type { BackendEntityProperties } from "../../backend-entity";
import { describeStatement, type PolicyValue, type StatementRef } from "../effective-pipeline";
import { resolve } from "../policy-value";
import type { HeaderState, ManagedIdentityToken, RequestState } from "./request-state";

export interface BackendCredential {
  /** The header it travels in; null for a client certificate. */
  header: string | null;
  description: string;
  /** The statement that set it; null for the caller's own header and a backend entity's credentials. */
  setBy: StatementRef | null;
}

export interface BackendCall {
  /** Where the request goes: a backend entity, a base URL, or the API's own service URL. */
  target: string;
  credentials: BackendCredential[];
}

export function describeBackendCall(
  state: RequestState,
  credentialHeaders: ReadonlySet<string>,
  backends: Readonly<Record<string, BackendEntityProperties>>,
  namedValues: ReadonlyMap<string, string>,
): BackendCall {
  const credentials: BackendCredential[] = [];
  const headers = new Set([
    ...credentialHeaders,
    ...Object.keys(state.headers).filter((name) => credentialHeaders.has(name)),
  ]);
  for (const header of headers) {
    const changed = state.headers[header];
    if (changed === undefined) {
      if (header === "authorization")
        credentials.push({
          header: "Authorization",
          description: "Authorization header: the caller's own token, forwarded unchanged",
          setBy: null,
        });
      continue;
    }
    const description = headerDescription(header, changed, namedValues);
    if (description !== undefined) credentials.push({ header, description, setBy: changed.by });
  }
  if (state.certificate !== null)
    credentials.push({
      header: null,
      description: "a client certificate (authentication-certificate)",
      setBy: state.certificate,
    });
  if (state.anyHeader !== null)
    credentials.push({
      header: null,
      description: `headers set by ${describeStatement(state.anyHeader)}, whose name is computed`,
      setBy: state.anyHeader,
    });
  const target = state.target;
  if (target === null) return { target: "the API's service URL", credentials };
  if (target.backendId === null) return { target: `base URL ${target.baseUrl?.text ?? "(none)"}`, credentials };
  const id = resolve(target.backendId, namedValues);
  if (!id.ok) return { target: `a backend whose id is unknown (${id.reason})`, credentials };
  const entity = Object.hasOwn(backends, id.value) ? backends[id.value] : undefined;
  if (entity === undefined)
    credentials.push({
      header: null,
      description: `the credentials of backend '${id.value}', which were not given`,
      setBy: null,
    });
  else credentials.push(...entityCredentials(id.value, entity));
  return { target: `backend '${id.value}'`, credentials };
}

function headerDescription(
  header: string,
  state: HeaderState,
  namedValues: ReadonlyMap<string, string>,
): string | undefined {
  switch (state.kind) {
    case "deleted":
      return undefined;
    case "basic":
      return `${header} header: basic authentication (authentication-basic)`;
    case "managed-identity":
      return `${header} header: ${managedIdentityToken(state.token, namedValues)}`;
    case "changed":
      return `${header} header, ${state.how} by ${describeStatement(state.by)}: its value is not known`;
    case "set":
      return `${header} header ${state.values.map(valueSource).join(" and ")}`;
  }
}

function valueSource(value: PolicyValue): string {
  if (value.kind === "expression") return "computed by a policy expression (not evaluated)";
  if (value.kind === "literal") return "with a value written in the policy";
  const names = findNamedValueReferences(value.text);
  return /^\{\{[^{}]+\}\}$/.test(value.text.trim())
    ? `from named value ${names[0]}`
    : `from a value with named value${names.length === 1 ? "" : "s"} ${names.join(", ")}`;
}

function managedIdentityToken(token: ManagedIdentityToken, namedValues: ReadonlyMap<string, string>): string {
  const resource = token.resource === null ? undefined : resolve(token.resource, namedValues);
  const forResource = resource?.ok === true ? `resource ${resource.value}` : "a resource the engine cannot know";
  if (token.clientId === null) return `managed identity token for ${forResource} (system-assigned identity)`;
  const clientId = resolve(token.clientId, namedValues);
  return `managed identity token for ${forResource} (user-assigned identity, client id ${clientId.ok ? clientId.value : token.clientId.text})`;
}

function entityCredentials(backendId: string, entity: BackendEntityProperties): BackendCredential[] {
  const { header, managedIdentity, ...others } = entity.credentials ?? {};
  const credentials: BackendCredential[] = Object.entries(header ?? {}).map(([name, values]) => ({
    header: name.toLowerCase(),
    description: `${name.toLowerCase()} header from backend '${backendId}' ${values
      .map((value) =>
        valueSource({ text: value, kind: findNamedValueReferences(value).length > 0 ? "named-value" : "literal" }),
      )
      .join(" and ")}`,
    setBy: null,
  }));
  if (managedIdentity !== undefined)
    credentials.push({
      header: "authorization",
      description: `authorization header from backend '${backendId}': ${managedIdentityToken(
        {
          resource: managedIdentity.resource === undefined ? null : { text: managedIdentity.resource, kind: "literal" },
          clientId: managedIdentity.clientId === undefined ? null : { text: managedIdentity.clientId, kind: "literal" },
        },
        new Map(),
      )}`,
      setBy: null,
    });
  const other = Object.keys(others).filter((key) => others[key] !== undefined && others[key] !== null);
  if (other.length > 0)
    credentials.push({
      header: null,
      description: `other credentials of backend '${backendId}' (${other.map((key) => `credentials.${key}`).join(", ")})`,
      setBy: null,
    });
  return credentials;
}
