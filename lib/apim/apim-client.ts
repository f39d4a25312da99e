import type { HttpClient } from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { serviceUrl, type ApimInstance } from "./apim-instance";
import { AZURE_CLOUDS } from "./arm-endpoints";
import type { ArmCallOptions } from "./call/arm-call";
import type { Expected } from "./expected-state";
import type { ApimContext } from "./operations/apim-context";
import { deleteApiPolicy, getApiPolicy, getApiPolicyEtag, putApiPolicy } from "./operations/api-policy";
import { listApiOperations } from "./operations/api-operations";
import { getApi, listApis } from "./operations/apis";
import {
  deleteBackend,
  getBackend,
  getBackendEtag,
  listBackends,
  putBackend,
  type BackendProperties,
} from "./operations/backends";
import type { NamedValueInput } from "./operations/named-value-model";
import {
  deleteNamedValue,
  getNamedValue,
  getNamedValueEtag,
  listNamedValues,
  listPlainNamedValues,
  putNamedValue,
  refreshNamedValueSecret,
} from "./operations/named-values";
import type { ListOptions } from "./operations/collect-pages";
import { listApiProducts, listProductApis, listProducts, type ApimProduct } from "./operations/products";
import { getScopePolicy, type PolicyScope } from "./operations/scope-policy";
import { getService } from "./operations/service";
import { getSubscriptionKey, listSubscriptions, type ApimSubscription } from "./operations/subscriptions";
import type { ApimApi } from "./operations/apis";
import type { ApimOperation } from "./operations/api-operations";
import { defaultRetryOptions, type RetryOptions } from "./retry/retry-options";
import { createArmTransport } from "./arm-transport";

export interface ApimClientOptions {
  /** Token scope for ARM. */
  scope?: string;
  retry?: Partial<RetryOptions>;
  /** Default wall-clock bound of one call (retries, pages, long-running polls). */
  callTimeoutMs?: number;
  /** Wait between long-running polls when the server sends no Retry-After. */
  pollIntervalMs?: number;
  /** api-version of backend requests; must carry `credentials.managedIdentity`. */
  backendApiVersion?: string;
  /** For tests: an HTTP client instead of the shared keep-alive HTTPS client. */
  httpClient?: HttpClient;
  /** For tests: the jitter source, in [0, 1). */
  random?: () => number;
}

/** The api-version of every request but the backends' (the one @azure/arm-apimanagement 10 speaks). */
const API_VERSION = "2024-05-01";

/** A call's wall-clock bound when ApimClientOptions.callTimeoutMs gives none. */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

/** The public cloud's; apimClientForInstance passes the scope of the instance's own cloud. */
export const defaultScope = AZURE_CLOUDS[0].scope;

/**
 * The ARM client of one APIM instance: build it once per instance and share it (the pipeline,
 * token cache and keep-alive connections live in it). Every operation takes
 * `ArmCallOptions` last and returns `{ value, trace }` or throws an AppError (map-arm-error.ts).
 */
export function createApimClient(instance: ApimInstance, credential: TokenCredential, options: ApimClientOptions = {}) {
  const transport = createArmTransport(instance, credential, {
    scope: options.scope ?? defaultScope,
    retry: { ...defaultRetryOptions, ...options.retry },
    httpClient: options.httpClient,
    random: options.random,
  });
  const ctx: ApimContext = {
    instance,
    transport,
    serviceUrl: serviceUrl(instance),
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    apiVersion: API_VERSION,
    backendApiVersion: options.backendApiVersion ?? "2024-06-01-preview",
  };
  return {
    instance,
    listApis: (call?: ListOptions<ApimApi>) => listApis(ctx, call),
    getApi: (apiName: string, call?: ArmCallOptions) => getApi(ctx, apiName, call),
    listApiOperations: (apiName: string, call?: ListOptions<ApimOperation>) => listApiOperations(ctx, apiName, call),

    getService: (call?: ArmCallOptions) => getService(ctx, call),
    listProducts: (call?: ListOptions<ApimProduct>) => listProducts(ctx, call),
    listProductApis: (productName: string, call?: ListOptions<ApimApi>) => listProductApis(ctx, productName, call),
    listApiProducts: (apiName: string, call?: ListOptions<ApimProduct>) => listApiProducts(ctx, apiName, call),

    listSubscriptions: (call?: ListOptions<ApimSubscription>) => listSubscriptions(ctx, call),
    getSubscriptionKey: (subscriptionName: string, call?: ArmCallOptions) =>
      getSubscriptionKey(ctx, subscriptionName, call),

    getScopePolicy: (scope: PolicyScope, call?: ArmCallOptions) => getScopePolicy(ctx, scope, call),

    getApiPolicy: (apiName: string, call?: ArmCallOptions) => getApiPolicy(ctx, apiName, call),
    getApiPolicyEtag: (apiName: string, call?: ArmCallOptions) => getApiPolicyEtag(ctx, apiName, call),
    putApiPolicy: (apiName: string, xml: string, expected: Expected, call?: ArmCallOptions) =>
      putApiPolicy(ctx, apiName, xml, expected, call),
    deleteApiPolicy: (apiName: string, expected: { etag: string }, call?: ArmCallOptions) =>
      deleteApiPolicy(ctx, apiName, expected, call),

    listNamedValues: (call?: ArmCallOptions) => listNamedValues(ctx, call),
    listPlainNamedValues: (call?: ArmCallOptions) => listPlainNamedValues(ctx, call),
    getNamedValue: (name: string, call?: ArmCallOptions) => getNamedValue(ctx, name, call),
    getNamedValueEtag: (name: string, call?: ArmCallOptions) => getNamedValueEtag(ctx, name, call),
    putNamedValue: (name: string, input: NamedValueInput, expected: Expected, call?: ArmCallOptions) =>
      putNamedValue(ctx, name, input, expected, call),
    deleteNamedValue: (name: string, expected: { etag: string }, call?: ArmCallOptions) =>
      deleteNamedValue(ctx, name, expected, call),
    refreshNamedValueSecret: (name: string, call?: ArmCallOptions) => refreshNamedValueSecret(ctx, name, call),

    listBackends: (call?: ArmCallOptions) => listBackends(ctx, call),
    getBackend: (name: string, call?: ArmCallOptions) => getBackend(ctx, name, call),
    getBackendEtag: (name: string, call?: ArmCallOptions) => getBackendEtag(ctx, name, call),
    putBackend: (name: string, properties: BackendProperties, expected: Expected, call?: ArmCallOptions) =>
      putBackend(ctx, name, properties, expected, call),
    deleteBackend: (name: string, expected: { etag: string }, call?: ArmCallOptions) =>
      deleteBackend(ctx, name, expected, call),
  };
}

export type ApimClient = ReturnType<typeof createApimClient>;
