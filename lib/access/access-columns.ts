/**
 * The access matrix's columns for one product path of one API, read from the effective
 * pipelines of its operations (what APIM really runs, not what a profile says): who validates
 * callers and how, which client applications, audiences and claims they accept, how APIM
 * authenticates to the backend and what kind of secret that takes. Pure: the pipelines and the
 * service's facts come in as data.
 */
import { findNamedValueReferences } from "../policy";
import type { AccessFacts, EffectivePipeline, NamedValueFact, PolicyValue } from "../policy";
import { namedValueMap, resolve } from "../policy/effective/policy-value";
import { REQUEST_SECTIONS, unconditional, walkPipeline } from "../policy/effective/walk-pipeline";

export type CallerCheckKind =
  "validate-azure-ad-token" | "validate-jwt" | "check-header" | "ip-filter" | "validate-client-certificate";

export interface CallerValidationColumn {
  kind: CallerCheckKind;
  /** Entra: the tenant (resolved from named values where it can be); null when the engine cannot know it. */
  tenant: string | null;
  /** validate-jwt: the accepted issuers (and OpenID configuration URLs when it lists no issuer). */
  issuers: string[];
  /** It runs only under conditions (a choose branch) or where the pipeline is undetermined. */
  conditional: boolean;
  scope: "global" | "product" | "api" | "operation";
  line: number;
}

export type BackendAuthMode = "apiKey" | "managedIdentity" | "basic" | "certificate" | "undetermined";

/** typed: a secret named value whose value was typed; keyVault: a Key Vault reference; plain: not secret. */
export type SecretKind = "typed" | "keyVault" | "plain" | "missing" | "expression";

export interface AccessColumns {
  callerValidation: CallerValidationColumn[];
  /** Client application ids any validation accepts; empty with `anyClientApplication` when one checks none. */
  clientApplications: string[];
  /** A token validation that does not restrict the client application runs on this path. */
  anyClientApplication: boolean;
  audiences: string[];
  /** "name: value, value (all|any)". */
  requiredClaims: string[];
  /** Empty: APIM attaches no credential of its own (the backend is called as the caller sent it). */
  backendAuth: BackendAuthMode[];
  /** Where the call goes: "backend 'id'", "base URL …", or "the API's service URL". */
  backendTargets: string[];
  secretKinds: SecretKind[];
}

/** The columns for one path, merged over the pipelines of its operations (distinct values, in first-seen order). */
export function accessColumns(pipelines: readonly EffectivePipeline[], facts: AccessFacts): AccessColumns {
  const namedValues = namedValueMap(facts.namedValues);
  const text = (value: PolicyValue | null): string | null => {
    if (value === null) return null;
    const resolved = resolve(value, namedValues);
    return resolved.ok ? resolved.value : value.text;
  };
  const validations = new Map<string, CallerValidationColumn>();
  const clients = new Set<string>();
  const audiences = new Set<string>();
  const claims = new Set<string>();
  const backendAuth = new Set<BackendAuthMode>();
  const secretKinds = new Set<SecretKind>();
  const targets = new Set<string>();
  let anyClientApplication = false;

  const noteSecret = (value: string | PolicyValue) => {
    const policyValue = typeof value === "string" ? { text: value, kind: "literal" as const } : value;
    if (policyValue.kind === "expression") return void secretKinds.add("expression");
    // Without the named values, what kind of secret a reference is stays unknown (not "missing").
    if (facts.namedValues === undefined) return;
    for (const name of findNamedValueReferences(policyValue.text))
      secretKinds.add(secretKindOf(name, facts.namedValues));
  };

  for (const pipeline of pipelines) {
    for (const visit of walkPipeline(pipeline, REQUEST_SECTIONS)) {
      const statement = visit.statement;
      if (statement.role === "caller-check") {
        const check = statement.check;
        const column: CallerValidationColumn = {
          kind: check.kind,
          tenant: check.kind === "validate-azure-ad-token" ? text(check.tenantId) : null,
          issuers:
            check.kind === "validate-jwt"
              ? (check.issuers ?? check.openIdConfigUrls).map((issuer) => text(issuer) ?? issuer.text)
              : [],
          conditional: !unconditional(visit),
          scope: statement.scope,
          line: statement.line,
        };
        validations.set(`${column.scope}:${column.line}:${statement.column}`, column);
        if (check.kind === "validate-azure-ad-token" || check.kind === "validate-jwt") {
          const clientIds = check.kind === "validate-azure-ad-token" ? check.clientApplicationIds : null;
          if (clientIds === null) anyClientApplication = true;
          for (const id of clientIds ?? []) clients.add(text(id) ?? id.text);
          for (const audience of check.audiences ?? []) audiences.add(text(audience) ?? audience.text);
          for (const claim of check.requiredClaims) {
            const values = claim.values.map((value) => text(value) ?? value.text).join(", ");
            claims.add(`${text(claim.name) ?? claim.name.text}: ${values} (${text(claim.match) ?? "all"})`);
          }
        }
      }
    }
    const call = backendCall(pipeline, facts, namedValues, noteSecret);
    for (const mode of call.modes) backendAuth.add(mode);
    for (const target of call.targets) targets.add(target);
  }
  return {
    callerValidation: [...validations.values()],
    clientApplications: [...clients],
    anyClientApplication,
    audiences: [...audiences],
    requiredClaims: [...claims],
    backendAuth: [...backendAuth],
    backendTargets: [...targets],
    secretKinds: [...secretKinds],
  };
}

type Target = { kind: "backend"; id: string | null; text: string } | { kind: "url"; text: string };

/**
 * The credentials and target of the backend call, following the request path in order: a later
 * unconditional statement replaces what an earlier one set (the last set-backend-service decides
 * the target, and a backend entity's credentials apply only when it is the target); a statement
 * under a condition adds a possibility without removing the others.
 */
function backendCall(
  pipeline: EffectivePipeline,
  facts: AccessFacts,
  namedValues: ReadonlyMap<string, string>,
  noteSecret: (value: string | PolicyValue) => void,
): { modes: BackendAuthMode[]; targets: string[] } {
  let targets: Target[] = [];
  const headers = new Map<string, Array<{ mode: BackendAuthMode; values: PolicyValue[] }>>();
  const others: BackendAuthMode[] = [];
  const setHeader = (name: string, mode: BackendAuthMode | null, values: PolicyValue[], always: boolean) => {
    const now = always ? [] : (headers.get(name) ?? []);
    headers.set(name, mode === null ? now : [...now, { mode, values }]);
  };
  for (const visit of walkPipeline(pipeline, REQUEST_SECTIONS)) {
    const statement = visit.statement;
    const always = unconditional(visit);
    switch (statement.role) {
      case "backend-target": {
        const target: Target =
          statement.backendId === null
            ? { kind: "url", text: `base URL ${statement.baseUrl?.text ?? "(none)"}` }
            : backendTarget(statement.backendId, namedValues);
        targets = always ? [target] : [...targets, target];
        break;
      }
      case "managed-identity":
        if (statement.outputTokenVariable === null) setHeader("authorization", "managedIdentity", [], always);
        break;
      case "backend-authentication":
        others.push(statement.kind);
        break;
      case "header": {
        if (!statement.credential || statement.header === null) break;
        const name = statement.header.text.toLowerCase();
        if (statement.action.text === "delete") setHeader(name, null, [], always);
        else if (statement.values.some((value) => value.bearerOfVariable !== undefined))
          setHeader(name, "managedIdentity", [], always);
        else setHeader(name, "apiKey", statement.values, always);
        break;
      }
      case "undetermined":
        others.push("undetermined");
        break;
    }
  }
  const modes: BackendAuthMode[] = [...others];
  for (const set of headers.values())
    for (const { mode, values } of set) {
      modes.push(mode);
      values.forEach(noteSecret);
    }
  for (const target of targets) {
    if (target.kind !== "backend") continue;
    const entity =
      target.id !== null && facts.backends && Object.hasOwn(facts.backends, target.id)
        ? facts.backends[target.id]
        : undefined;
    if (entity === undefined) {
      modes.push("undetermined");
      continue;
    }
    const keyHeaders = Object.values(entity.credentials?.header ?? {});
    if (keyHeaders.length > 0) {
      keyHeaders.flat().forEach(noteSecret);
      modes.push("apiKey");
    }
    if (entity.credentials?.managedIdentity !== undefined) modes.push("managedIdentity");
  }
  return {
    modes: [...new Set(modes)],
    targets: targets.length === 0 ? ["the API's service URL"] : targets.map((target) => target.text),
  };
}

function backendTarget(backendId: PolicyValue, namedValues: ReadonlyMap<string, string>): Target {
  const id = resolve(backendId, namedValues);
  return id.ok
    ? { kind: "backend", id: id.value, text: `backend '${id.value}'` }
    : { kind: "backend", id: null, text: `backend ${backendId.text}` };
}

function secretKindOf(name: string, namedValues: readonly NamedValueFact[]): SecretKind {
  const fact = namedValues.find((namedValue) => namedValue.name === name);
  if (fact === undefined) return "missing";
  if (fact.keyVault !== undefined) return "keyVault";
  return fact.secret ? "typed" : "plain";
}
