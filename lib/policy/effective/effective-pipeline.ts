/**
 * The effective pipeline: the statements one call really runs, in order, per section, each with
 * its scope, line and whether Portcullis manages it, and classified by what it does to caller
 * access and to the backend call. Plain, JSON-safe data: the findings and the token what-if work
 * on it, and the REST API and console show it as it is.
 */
import type { AccessProfile } from "../profile-schema";
import type { PolicyScope } from "./effective-input";

export type PolicySection = "inbound" | "backend" | "outbound" | "on-error";
export const POLICY_SECTIONS: readonly PolicySection[] = ["inbound", "backend", "outbound", "on-error"];

/**
 * A value as written in the policy: a literal, text with `{{named value}}` references (resolved
 * only from non-secret named values that are given), or a policy expression (`@(…)`, `@{…}`),
 * which the engine never evaluates.
 */
export interface PolicyValue {
  text: string;
  kind: "literal" | "named-value" | "expression";
}

/** Where a statement is: enough for a person to find it. */
export interface StatementRef {
  element: string;
  scope: PolicyScope;
  line: number;
  column: number;
  /** Set when the statement comes from a policy fragment: line and column are then the fragment's. */
  fragment?: string;
}

export interface StatementBase extends StatementRef {
  /** Inside the Portcullis block of its document (so the next push rewrites it). */
  managed: boolean;
}

/** Where a token validation reads the token from (null when the statement names no single source). */
export type TokenSource =
  | { kind: "header"; name: PolicyValue }
  | { kind: "query"; name: PolicyValue }
  | { kind: "token-value"; value: PolicyValue };

export interface ClaimRequirement {
  name: PolicyValue;
  /** `all` (default) or `any`. */
  match: PolicyValue | null;
  separator: PolicyValue | null;
  values: PolicyValue[];
}

export interface FailureResponse {
  httpCode: PolicyValue | null;
  message: PolicyValue | null;
}

export interface EntraTokenCheck {
  kind: "validate-azure-ad-token";
  source: TokenSource | null;
  tenantId: PolicyValue | null;
  authenticationEndpoint: PolicyValue | null;
  /** null: the element is absent (no check of the client application). */
  clientApplicationIds: PolicyValue[] | null;
  backendApplicationIds: PolicyValue[] | null;
  audiences: PolicyValue[] | null;
  requiredClaims: ClaimRequirement[];
  failed: FailureResponse;
  outputTokenVariable: string | null;
}

export interface JwtCheck {
  kind: "validate-jwt";
  source: TokenSource | null;
  requireScheme: PolicyValue | null;
  requireExpirationTime: PolicyValue | null;
  requireSignedTokens: PolicyValue | null;
  clockSkew: PolicyValue | null;
  openIdConfigUrls: PolicyValue[];
  /** The statement lists its own signing keys (issuer-signing-keys). */
  signingKeys: boolean;
  /** The statement can decrypt encrypted tokens (decryption-keys). */
  decryptionKeys: boolean;
  issuers: PolicyValue[] | null;
  audiences: PolicyValue[] | null;
  requiredClaims: ClaimRequirement[];
  failed: FailureResponse;
  outputTokenVariable: string | null;
}

export interface HeaderCheck {
  kind: "check-header";
  name: PolicyValue | null;
  values: PolicyValue[];
  ignoreCase: PolicyValue | null;
  failed: FailureResponse;
}

export interface IpFilterCheck {
  kind: "ip-filter";
  action: PolicyValue | null;
  addresses: PolicyValue[];
  ranges: Array<{ from: PolicyValue | null; to: PolicyValue | null }>;
}

export interface ClientCertificateCheck {
  kind: "validate-client-certificate";
}

export type CallerCheck = EntraTokenCheck | JwtCheck | HeaderCheck | IpFilterCheck | ClientCertificateCheck;

/** A header value; `bearerOfVariable` when it is `@("Bearer " + (string)context.Variables["v"])`. */
export interface HeaderValue extends PolicyValue {
  bearerOfVariable?: string;
}

export interface Condition extends PolicyValue {
  line: number;
  column: number;
}

export interface Branch {
  /** The `when` condition; null for `otherwise`. */
  condition: Condition | null;
  statements: PipelineStatement[];
}

export type PipelineStatement =
  /** Decides caller access: validate-azure-ad-token, validate-jwt, check-header, ip-filter, validate-client-certificate. */
  | (StatementBase & { role: "caller-check"; check: CallerCheck })
  /** Answers the caller without calling the backend: return-response, mock-response. */
  | (StatementBase & { role: "answer"; status: PolicyValue | null })
  /** `set-header`; `credential` for api-key, Authorization and the profile's header. */
  | (StatementBase & {
      role: "header";
      header: PolicyValue | null;
      action: PolicyValue;
      values: HeaderValue[];
      credential: boolean;
    })
  /** authentication-managed-identity: a token for `resource`, into Authorization or a variable. */
  | (StatementBase & {
      role: "managed-identity";
      resource: PolicyValue | null;
      clientId: PolicyValue | null;
      outputTokenVariable: string | null;
      ignoreError: PolicyValue | null;
    })
  /** authentication-basic, authentication-certificate: credentials APIM attaches itself. */
  | (StatementBase & { role: "backend-authentication"; kind: "basic" | "certificate" })
  /** set-backend-service: where the request goes (a backend entity carries its own credentials). */
  | (StatementBase & { role: "backend-target"; backendId: PolicyValue | null; baseUrl: PolicyValue | null })
  /** forward-request: the call to the backend. */
  | (StatementBase & { role: "forward" })
  /** choose: the branches with their conditions, in order; `otherwise` last. */
  | (StatementBase & { role: "choose"; branches: Branch[] })
  /** retry, wait, limit-concurrency: statements that run inside it. */
  | (StatementBase & { role: "container"; statements: PipelineStatement[] })
  /**
   * What the engine cannot know: a fragment that was not given, an unreadable scope, a `<base />`
   * where the documentation does not place one. `possibly` holds statements that may run here.
   */
  | (StatementBase & { role: "undetermined"; reason: string; possibly: PipelineStatement[] })
  /**
   * Everything else; `effect` when it sends the request or data somewhere or answers the caller
   * (send-request, cache lookups, …), which matters for where caller validation stands.
   */
  | (StatementBase & { role: "other"; effect?: "answers" | "calls-out" });

export type StatementRole = PipelineStatement["role"];

/** What a statement of each role holds besides its position. */
export type StatementFields = PipelineStatement extends infer S
  ? S extends unknown
    ? Omit<S, keyof StatementBase>
    : never
  : never;

/** Statements of broader scopes that do not run because a narrower scope's section has no `<base />`. */
export interface SkippedStatements {
  /** The scope whose section leaves out `<base />`. */
  by: PolicyScope;
  /** Line of that section (of the document when the section is missing). */
  line: number;
  statements: PipelineStatement[];
}

export interface PipelineSectionView {
  statements: PipelineStatement[];
  skipped: SkippedStatements[];
}

export interface ScopeReport {
  scope: PolicyScope;
  /** Product, API or operation id; null for the global scope. */
  id: string | null;
  status: "policy" | "none" | "unreadable";
  format?: "xml" | "rawxml";
  /** Why the scope is unreadable (with ARM's status and request id, or the parse error). */
  reason?: string;
  armStatus?: number;
  requestId?: string;
  /** Sections of this scope that hold no `<base />` (the broader scopes' statements do not run there). */
  sectionsWithoutBase: PolicySection[];
  /** Sections the document leaves out. */
  missingSections: PolicySection[];
}

/**
 * Something the composition could not decide, with where it is: `undetermined` (an unreadable
 * scope, a fragment not given, a misplaced `<base />`) or an `assumption` it had to make where the
 * documentation is silent (a section a document leaves out).
 */
export interface PipelineNote {
  kind: "undetermined" | "assumption";
  scope: PolicyScope;
  line?: number;
  fragment?: string;
  message: string;
}

export interface EffectivePipeline {
  apiId: string;
  productId: string | null;
  operationId: string | null;
  /** Narrow to broad: operation (when given), API, product (when given), global. */
  scopes: ScopeReport[];
  sections: Record<PolicySection, PipelineSectionView>;
  notes: PipelineNote[];
  profile: AccessProfile | null;
}

// The what-if refers to the same statements on every path it follows: one reference each.
const refs = new WeakMap<StatementRef, StatementRef>();

/** Where a statement is, without the rest of it (the same object each time for a statement). */
export function statementRef(statement: StatementRef): StatementRef {
  let ref = refs.get(statement);
  if (ref === undefined) {
    const { element, scope, line, column, fragment } = statement;
    ref = fragment === undefined ? { element, scope, line, column } : { element, scope, line, column, fragment };
    refs.set(statement, ref);
  }
  return ref;
}

/** "validate-jwt on line 12 of the API policy" (or of fragment 'x', included by the API policy). */
export function describeStatement(statement: StatementRef): string {
  const where =
    statement.fragment === undefined
      ? `of the ${SCOPE_NAMES[statement.scope]} policy`
      : `of fragment '${statement.fragment}' (included by the ${SCOPE_NAMES[statement.scope]} policy)`;
  return `<${statement.element}> on line ${statement.line} ${where}`;
}

export const SCOPE_NAMES: Record<PolicyScope, string> = {
  global: "global",
  product: "product",
  api: "API",
  operation: "operation",
};

const SCOPE_RANKS: Record<PolicyScope, number> = { global: 0, product: 1, api: 2, operation: 3 };

/** Broad (0, global) to narrow (3, operation). */
export function scopeRank(scope: PolicyScope): number {
  return SCOPE_RANKS[scope];
}
