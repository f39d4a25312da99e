/**
 * THE SHARED MAPPING from one API's scope reads to its effective access. Pure (no I/O): the API
 * page (getEffectiveAccess, from `readApiScopes`), the token what-if (checkAccess) and the
 * instance access matrix (per API, from `readInstanceScopes` through `apiScopesFromInstance`,
 * without reading again) all call it, so they can never disagree about what an API grants.
 *
 * One path per way a call reaches the API: through each product holding it (its policy runs, its
 * `subscriptionRequired` applies), and through no product — a call without a subscription key
 * when the API requires none, or with an API-scoped or all-APIs subscription key otherwise (APIM
 * runs no product policy for those). Each path has the pipeline of an operation without a policy
 * of its own, its findings, and the operations whose own policy changes that outcome.
 *
 * A scope that could not be read is carried into the pipeline as unreadable (never as empty),
 * listed with ARM's status and ids, and the analysis names the conclusions it could not reach.
 */
import type {
  Backend,
  ApimApi,
  ApimOperation,
  ApimProduct,
  ApimService,
  NamedValue,
  ScopeRead,
  UnreadableScope,
} from "../apim";
import type { InstanceScopes, ApiScopes, OperationScopes, PolicyRead } from "../apim";
import {
  composeEffectivePipeline,
  describeStatement,
  findEffectiveAccessFindings,
  walkPipeline,
  type AccessFacts,
  type AccessProfile,
  type BackendEntityProperties,
  type EffectiveAccessAnalysis,
  type EffectivePipeline,
  type EffectivePipelineInput,
  type NamedValueFact,
  type NotConcluded,
  type PipelineStatement,
  type ScopeDocument,
} from "../policy";

/** A product holding the API, with its policy. */
export interface ProductScope {
  product: ApimProduct;
  policy: PolicyRead;
}

/** The scopes of one API as `readApiScopes` returns them (`apiScopesFromInstance` builds the same from an instance read). */
export interface ApiAccessScopes {
  service: ScopeRead<ApimService>;
  globalPolicy: PolicyRead;
  /** The API itself; null when it no longer exists. */
  api: ScopeRead<ApimApi | null>;
  /** The products holding the API. */
  products: ScopeRead<ProductScope[]>;
  /** Products whose API list could not be read: whether they hold the API is unknown (instance reads only). */
  undeterminedProducts?: Array<{ product: ApimProduct; error: UnreadableScope; readAt: string }>;
  policy: PolicyRead;
  operations: ScopeRead<OperationScopes[]>;
}

/** What is not in the scope reads: Portcullis's stored profile and the service's named values and backends. */
export interface ApiAccessContext {
  /** The API's access profile as stored (its current version); null or absent when it has none. */
  profile?: AccessProfile | null;
  /** The service's named values (metadata only: a secret's value is never read). Absent: not read. */
  namedValues?: ScopeRead<NamedValue[]>;
  /** The Entra sign-in host the gateway takes tenants' tokens from (AccessFacts.entraAuthorityHost). */
  entraAuthorityHost?: string;
  /** Backend entities (ARM `properties`) by id, for how a `set-backend-service backend-id` authenticates. Absent: not read. */
  backends?: Record<string, BackendEntityProperties>;
  /** How the backends were read, when they were: one that could not be is listed with the unreadable scopes. */
  backendsRead?: ScopeRead<unknown>;
}

/** A read that failed, named so a person knows which scope it was. */
export interface UnreadableRead {
  /** E.g. "the global policy", "the policy of product 'llm-standard'", "the operations of the API". */
  what: string;
  error: UnreadableScope;
  readAt: string;
}

export interface OperationAccess {
  operation: ApimOperation;
  pipeline: EffectivePipeline;
  analysis: EffectiveAccessAnalysis;
  /** How the outcome differs from the path's (an operation without its own policy), in words. */
  differences: string[];
}

export interface AccessPath {
  /** Stable within the API: the product's name, or "" for calls through no product. */
  key: string;
  /** The product the call comes through; null for calls through no product. */
  product: ApimProduct | null;
  /** In words: "product 'LLM Standard' (subscription key required)", "no product (no subscription key)". */
  label: string;
  /** Whether a call along this path needs a subscription key; null when that could not be read. */
  subscriptionRequired: boolean | null;
  /** The pipeline of a call to an operation without a policy of its own. */
  pipeline: EffectivePipeline;
  analysis: EffectiveAccessAnalysis;
  /** Operations whose own policy changes the outcome (or could not be read), in list order. */
  operations: OperationAccess[];
}

export interface ApiAccessPaths {
  apiName: string;
  /** The API as read; null when it could not be read or no longer exists. */
  api: ApimApi | null;
  /** The first and last instant a scope was read. */
  readFrom: string;
  readTo: string;
  unreadable: UnreadableRead[];
  /** Conclusions about the API as a whole that could not be reached (which products hold it, its operations, …). */
  notConcluded: NotConcluded[];
  paths: AccessPath[];
  /** Any path or operation has a blocking finding. */
  blocking: boolean;
}

/** Maps one API's scope reads to its effective-access paths (see the top of this file). */
export function apiAccessPaths(
  apiName: string,
  scopes: ApiAccessScopes,
  context: ApiAccessContext = {},
): ApiAccessPaths {
  const unreadable = unreadableReads(scopes, context);
  const notConcluded: NotConcluded[] = [];
  const api = scopes.api.state === "read" ? scopes.api.value : null;
  if (scopes.api.state === "read" && scopes.api.value === null) {
    notConcluded.push({
      code: "api-gone",
      reason: `API '${apiName}' no longer exists in APIM: it has no access paths`,
    });
    return { apiName, api, ...readSpan(scopes, context), unreadable, notConcluded, paths: [], blocking: false };
  }
  const base = baseInput(apiName, scopes, context);
  const paths: AccessPath[] = [];
  if (scopes.products.state === "unreadable")
    notConcluded.push({
      code: "product-paths",
      reason: `the products holding the API could not be read (${describeError(scopes.products.error)}): calls through a product run its policy, which is not analysed`,
    });
  for (const { product, error } of scopes.undeterminedProducts ?? [])
    notConcluded.push({
      code: "product-paths",
      reason: `whether product '${product.displayName}' holds the API could not be read (${describeError(error)}): calls through it are not analysed`,
    });
  const products = scopes.products.state === "read" ? scopes.products.value : [];
  for (const { product, policy } of products)
    paths.push(
      accessPath(base, scopes, {
        key: product.name,
        product,
        label: `product '${product.displayName}' (${product.subscriptionRequired ? "subscription key required" : "no subscription key required"})`,
        subscriptionRequired: product.subscriptionRequired,
        document: scopeDocument(policy),
      }),
    );
  const apiSubscription = api?.subscriptionRequired ?? null;
  paths.push(
    accessPath(base, scopes, {
      key: "",
      product: null,
      label:
        apiSubscription === false
          ? "no product (no subscription key required)"
          : apiSubscription === true
            ? "no product (an API-scoped or all-APIs subscription key)"
            : "no product (whether a subscription key is required could not be read)",
      subscriptionRequired: apiSubscription,
    }),
  );
  if (scopes.operations.state === "unreadable")
    notConcluded.push({
      code: "operation-differences",
      reason: `the API's operations could not be read (${describeError(scopes.operations.error)}): whether an operation's own policy changes the outcome is unknown`,
    });
  const blocking = paths.some(
    (path) => path.analysis.blocking || path.operations.some((operation) => operation.analysis.blocking),
  );
  return { apiName, api, ...readSpan(scopes, context), unreadable, notConcluded, paths, blocking };
}

/** What composing one call takes besides its product and operation. */
interface BaseInput {
  input: Omit<EffectivePipelineInput, "product" | "operation">;
  facts: Omit<AccessFacts, "subscriptionRequired">;
}

function baseInput(apiName: string, scopes: ApiAccessScopes, context: ApiAccessContext): BaseInput {
  const facts: BaseInput["facts"] = {};
  if (scopes.service.state === "read") facts.serviceIdentity = scopes.service.value.identity;
  if (context.namedValues?.state === "read") facts.namedValues = context.namedValues.value.map(namedValueFact);
  if (context.entraAuthorityHost !== undefined) facts.entraAuthorityHost = context.entraAuthorityHost;
  if (context.backends !== undefined) facts.backends = context.backends;
  return {
    input: {
      global: scopeDocument(scopes.globalPolicy),
      api: { id: apiName, document: scopeDocument(scopes.policy) },
      ...(context.profile ? { profile: context.profile } : {}),
    },
    facts,
  };
}

interface PathGiven {
  key: string;
  product: ApimProduct | null;
  label: string;
  subscriptionRequired: boolean | null;
  document?: ScopeDocument;
}

function accessPath(base: BaseInput, scopes: ApiAccessScopes, given: PathGiven): AccessPath {
  const { input, facts } = pathInput(base, given.product, given.document, given.subscriptionRequired);
  const pipeline = composeEffectivePipeline(input);
  const analysis = findEffectiveAccessFindings(pipeline, facts);
  const operations: OperationAccess[] = [];
  if (scopes.operations.state === "read") {
    for (const { operation, policy } of scopes.operations.value) {
      // An operation without a policy of its own runs exactly the path's pipeline.
      if (policy.state === "read" && policy.value === null) continue;
      const own = composeEffectivePipeline({
        ...input,
        operation: { id: operation.name, document: scopeDocument(policy) },
      });
      const ownAnalysis = findEffectiveAccessFindings(own, facts);
      const differences =
        policy.state === "unreadable"
          ? [`its policy could not be read (${describeError(policy.error)}): what it runs is undetermined`]
          : differencesOf(pipeline, analysis, own, ownAnalysis);
      if (differences.length > 0) operations.push({ operation, pipeline: own, analysis: ownAnalysis, differences });
    }
  }
  const { document: _document, ...path } = given;
  return { ...path, pipeline, analysis, operations };
}

function pathInput(
  base: BaseInput,
  product: ApimProduct | null,
  document: ScopeDocument | undefined,
  subscriptionRequired: boolean | null,
): { input: EffectivePipelineInput; facts: AccessFacts } {
  return {
    input:
      product === null || document === undefined
        ? base.input
        : { ...base.input, product: { id: product.name, document } },
    facts: subscriptionRequired === null ? base.facts : { ...base.facts, subscriptionRequired },
  };
}

export type CallInput =
  | {
      ok: true;
      input: EffectivePipelineInput;
      facts: AccessFacts;
      product: ApimProduct | null;
      operation: ApimOperation | null;
    }
  | { ok: false; field: "productId" | "operationId"; message: string };

/**
 * The pipeline input and facts of one call: through `productName` (null or absent: no product)
 * to `operationName` (absent: an operation without a policy of its own). For the token what-if.
 */
export function callInput(
  apiName: string,
  scopes: ApiAccessScopes,
  context: ApiAccessContext,
  call: { productName?: string | null; operationName?: string | null },
): CallInput {
  const base = baseInput(apiName, scopes, context);
  let product: ProductScope | null = null;
  if (call.productName) {
    if (scopes.products.state === "unreadable")
      return {
        ok: false,
        field: "productId",
        message: `the products holding the API could not be read (${describeError(scopes.products.error)})`,
      };
    product = scopes.products.value.find((candidate) => candidate.product.name === call.productName) ?? null;
    if (product === null)
      return { ok: false, field: "productId", message: `no product '${call.productName}' holds this API` };
  }
  const api = scopes.api.state === "read" ? scopes.api.value : null;
  const subscriptionRequired =
    product === null ? (api?.subscriptionRequired ?? null) : product.product.subscriptionRequired;
  const { input, facts } = pathInput(
    base,
    product?.product ?? null,
    product ? scopeDocument(product.policy) : undefined,
    subscriptionRequired,
  );
  if (!call.operationName) return { ok: true, input, facts, product: product?.product ?? null, operation: null };
  if (scopes.operations.state === "unreadable")
    return {
      ok: false,
      field: "operationId",
      message: `the API's operations could not be read (${describeError(scopes.operations.error)})`,
    };
  const operation = scopes.operations.value.find((candidate) => candidate.operation.name === call.operationName);
  if (operation === undefined)
    return { ok: false, field: "operationId", message: `the API has no operation '${call.operationName}'` };
  return {
    ok: true,
    input: { ...input, operation: { id: operation.operation.name, document: scopeDocument(operation.policy) } },
    facts,
    product: product?.product ?? null,
    operation: operation.operation,
  };
}

/**
 * One API's scopes out of an instance-wide read (the access matrix): the products holding it are
 * those whose API list names it; a product whose list could not be read may hold it.
 */
export function apiScopesFromInstance(instance: InstanceScopes, api: ApiScopes): ApiAccessScopes {
  const undeterminedProducts: NonNullable<ApiAccessScopes["undeterminedProducts"]> = [];
  let products: ApiAccessScopes["products"];
  if (instance.products.state === "unreadable") products = instance.products;
  else {
    const holding: ProductScope[] = [];
    for (const { product, apis, policy } of instance.products.value) {
      if (apis.state === "unreadable") undeterminedProducts.push({ product, error: apis.error, readAt: apis.readAt });
      else if (apis.value.includes(api.api.name)) holding.push({ product, policy });
    }
    products = { state: "read", value: holding, readAt: instance.products.readAt };
  }
  return {
    service: instance.service,
    globalPolicy: instance.globalPolicy,
    api: { state: "read", value: api.api, readAt: instance.apis.readAt },
    products,
    ...(undeterminedProducts.length === 0 ? {} : { undeterminedProducts }),
    policy: api.policy,
    operations: api.operations,
  };
}

/** A policy read as the pipeline takes it: ARM's `format=xml` text, none (404), or unreadable with ARM's ids. */
export function scopeDocument(read: PolicyRead): ScopeDocument {
  if (read.state === "unreadable") {
    const { status, requestIds } = read.error;
    return {
      status: "unreadable",
      reason: describeError(read.error),
      ...(status === null ? {} : { armStatus: status }),
      ...(requestIds[0] === undefined ? {} : { requestId: requestIds[0] }),
    };
  }
  return read.value === null ? { status: "none" } : { status: "policy", text: read.value.xml, format: "xml" };
}

export function namedValueFact(namedValue: NamedValue): NamedValueFact {
  const status = namedValue.keyVault?.lastStatus;
  return {
    name: namedValue.displayName,
    secret: namedValue.secret,
    ...(namedValue.secret || namedValue.plainValue === undefined ? {} : { value: namedValue.plainValue }),
    ...(namedValue.keyVault === null
      ? {}
      : {
          keyVault: {
            secretIdentifier: namedValue.keyVault.secretIdentifier,
            ...(status == null
              ? {}
              : {
                  lastStatus: {
                    code: status.code,
                    ...(status.message === null ? {} : { message: status.message }),
                    ...(status.timeStampUtc === null ? {} : { timeStampUtc: status.timeStampUtc }),
                  },
                }),
          },
        }),
  };
}

/** "ARM answered 403 AuthorizationFailed: … (request id …)". */
export function describeError(error: UnreadableScope): string {
  const status = error.status === null ? "no answer from ARM" : `ARM answered ${error.status}`;
  const code = error.armCode === null ? "" : ` ${error.armCode}`;
  const message = error.armMessage ?? error.message;
  const ids =
    error.requestIds.length === 0
      ? `correlation id ${error.correlationId}`
      : `request id ${error.requestIds.join(", ")}`;
  return `${status}${code}: ${message} (${ids})`;
}

/** The backends as the analysis takes them, by id; undefined when they could not be read. */
export function backendFacts(read: ScopeRead<Backend[]>): Record<string, BackendEntityProperties> | undefined {
  if (read.state === "unreadable") return undefined;
  return Object.fromEntries(
    read.value.map(({ name, properties }): [string, BackendEntityProperties] => [
      name,
      // ARM answers `credentials: null` for a backend without credentials; the engine wants it absent.
      { ...properties, credentials: properties.credentials ?? undefined },
    ]),
  );
}

/** The scopes that could not be read, and when the first and last were read. */
export function scopeReadSummary(
  scopes: ApiAccessScopes,
  context: ApiAccessContext = {},
): { unreadable: UnreadableRead[]; readFrom: string; readTo: string } {
  return { unreadable: unreadableReads(scopes, context), ...readSpan(scopes, context) };
}

function unreadableReads(scopes: ApiAccessScopes, context: ApiAccessContext): UnreadableRead[] {
  const found: UnreadableRead[] = [];
  const check = (what: string, read: ScopeRead<unknown> | undefined) => {
    if (read?.state === "unreadable") found.push({ what, error: read.error, readAt: read.readAt });
  };
  check("the service (its managed identities)", scopes.service);
  check("the global policy", scopes.globalPolicy);
  check("the API", scopes.api);
  check("the products holding the API", scopes.products);
  for (const { product, error, readAt } of scopes.undeterminedProducts ?? [])
    found.push({ what: `the APIs of product '${product.displayName}'`, error, readAt });
  if (scopes.products.state === "read")
    for (const { product, policy } of scopes.products.value)
      check(`the policy of product '${product.displayName}'`, policy);
  check("the API policy", scopes.policy);
  check("the operations of the API", scopes.operations);
  if (scopes.operations.state === "read")
    for (const { operation, policy } of scopes.operations.value)
      check(`the policy of operation '${operation.displayName}'`, policy);
  check("the service's named values", context.namedValues);
  check("the service's backends", context.backendsRead);
  return found;
}

function readSpan(scopes: ApiAccessScopes, context: ApiAccessContext): { readFrom: string; readTo: string } {
  const instants = [scopes.service, scopes.globalPolicy, scopes.api, scopes.products, scopes.policy, scopes.operations]
    .map((read) => read.readAt)
    .concat(scopes.products.state === "read" ? scopes.products.value.map(({ policy }) => policy.readAt) : [])
    .concat(scopes.operations.state === "read" ? scopes.operations.value.map(({ policy }) => policy.readAt) : [])
    .concat([context.namedValues, context.backendsRead].flatMap((read) => (read === undefined ? [] : [read.readAt])))
    .sort();
  return { readFrom: instants[0] ?? "", readTo: instants[instants.length - 1] ?? "" };
}

/**
 * How an operation's pipeline differs from its path's, in what decides access and the backend
 * call: statements that only one of them runs (caller checks, answers, credentials, backend
 * selection, what cannot be determined), and findings only one of them has.
 */
function differencesOf(
  path: EffectivePipeline,
  pathAnalysis: EffectiveAccessAnalysis,
  own: EffectivePipeline,
  ownAnalysis: EffectiveAccessAnalysis,
): string[] {
  const pathStatements = accessStatements(path);
  const ownStatements = accessStatements(own);
  const differences: string[] = [];
  for (const [key, statement] of ownStatements)
    if (!pathStatements.has(key)) differences.push(`also runs ${describeStatement(statement)}`);
  for (const [key, statement] of pathStatements)
    if (!ownStatements.has(key)) differences.push(`does not run ${describeStatement(statement)}`);
  const findingKey = (finding: EffectiveAccessAnalysis["findings"][number]) =>
    `${finding.code}|${finding.severity}|${finding.scope}|${finding.line}|${finding.column}|${finding.fragment}`;
  const pathFindings = new Set(pathAnalysis.findings.map(findingKey));
  const ownFindings = new Set(ownAnalysis.findings.map(findingKey));
  for (const finding of ownAnalysis.findings)
    if (!pathFindings.has(findingKey(finding))) differences.push(`finding ${finding.code}: ${finding.message}`);
  for (const finding of pathAnalysis.findings)
    if (!ownFindings.has(findingKey(finding))) differences.push(`no longer has finding ${finding.code}`);
  return differences;
}

/** The roles that decide who gets in and what the backend call carries (not rate limits, transformations, …). */
const ACCESS_ROLES = new Set<PipelineStatement["role"]>([
  "caller-check",
  "answer",
  "managed-identity",
  "backend-authentication",
  "backend-target",
  "undetermined",
]);

/** Whether a statement decides caller access or the backend's credentials or target. */
export function decidesAccess(statement: PipelineStatement): boolean {
  return (
    ACCESS_ROLES.has(statement.role) ||
    (statement.role === "header" && statement.credential) ||
    (statement.role === "other" && statement.effect !== undefined)
  );
}

function accessStatements(pipeline: EffectivePipeline): Map<string, PipelineStatement> {
  const statements = new Map<string, PipelineStatement>();
  for (const { statement, section } of walkPipeline(pipeline, ["inbound", "backend"]))
    if (decidesAccess(statement))
      statements.set(
        `${section}|${statement.element}|${statement.scope}|${statement.fragment}|${statement.line}|${statement.column}`,
        statement,
      );
  return statements;
}
