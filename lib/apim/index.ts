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
export type { ApiPolicy } from "./operations/api-policy";
export type { KeyVaultReference, NamedValue, NamedValueInput } from "./operations/named-value-model";
export type { Backend, BackendCredentials, BackendProperties } from "./operations/backends";
export { defaultRetryOptions, type RetryOptions } from "./retry/retry-options";
export { limitConcurrency } from "./concurrency/limit-concurrency";
