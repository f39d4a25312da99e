/**
 * The only code of Portcullis that talks to ARM. See docs in each module; the essentials:
 * - one client per APIM instance (`createApimClient`), shared by all callers;
 * - every operation returns `{ value, trace }` (correlation id, request ids, status, ETag)
 *   or throws an AppError whose `details` are `ArmErrorDetails`;
 * - every write takes `expected`: the ETag that was read (sent as If-Match, never `*`) or
 *   "absent" for a create;
 * - one retry budget (retry/retry-decision.ts says exactly what is retried).
 */
export { createApimClient, defaultScope, type ApimClient, type ApimClientOptions } from "./apim-client";
export type { ApimInstance } from "./apim-instance";
export type { ArmCallOptions, ArmResult, ArmTrace } from "./call/arm-call";
export type { Expected } from "./expected-state";
export type { ArmErrorDetails, PolicyLocation } from "./errors/map-arm-error";
export type { ApimApi } from "./operations/apis";
export type { ApimOperation } from "./operations/api-operations";
export type { ApimProduct } from "./operations/products";
export type { ApimService, ServiceIdentity } from "./operations/service";
export type { ApimSubscription } from "./operations/subscriptions";
export type { PolicyScope, ScopePolicy } from "./operations/scope-policy";
export type { ListOptions } from "./operations/collect-pages";
export {
  readInstanceScopes,
  type ApiScopes,
  type InstanceScopeReadOptions,
  type InstanceScopes,
  type OperationScopes,
  type PolicyRead,
  type ProductScopes,
  type ScopeReadOptions,
  type SharedInstanceScopes,
} from "./scopes/read-instance-scopes";
export { readApiScopes, type ApiScopesRead } from "./scopes/read-api-scopes";
export { readServiceFacts, type ServiceFactsRead } from "./scopes/read-service-facts";
export type { ScopeRead, UnreadableScope } from "./scopes/scope-read";
export {
  dependencyRounds,
  lowerBoundMs,
  minimumApiReadRequests,
  minimumInstanceReadRequests,
  shapeOf,
  type InstanceShape,
} from "./scopes/read-bounds";
export type { ApiPolicy } from "./operations/api-policy";
export type { KeyVaultReference, NamedValue, NamedValueInput } from "./operations/named-value-model";
export type { Backend, BackendCredentials, BackendProperties } from "./operations/backends";
export { defaultRetryOptions, type RetryOptions } from "./retry/retry-options";
export { limitConcurrency } from "./concurrency/limit-concurrency";
