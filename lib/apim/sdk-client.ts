import { ApiManagementClient } from "@azure/arm-apimanagement";
import {
  bearerTokenAuthenticationPolicyName,
  redirectPolicyName,
  tracingPolicyName,
  type HttpClient,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import type { ApimInstance } from "./apim-instance";
import { armRequestGuardPolicy } from "./arm-request-guard-policy";
import { armRetryPolicy } from "./retry/retry-policy";
import type { RetryOptions } from "./retry/retry-options";

export interface SdkClientOptions {
  scope: string;
  retry: RetryOptions;
  /** Tests replace the transport; production uses the SDK's shared keep-alive client. */
  httpClient?: HttpClient;
  random?: () => number;
}

/**
 * The SDK client of one instance, with our pipeline: the SDK's default retry policy (the
 * whole "Retry" phase: throttling + exponential strategies that also repeat POSTs after a
 * 500) is removed so that our one budget applies, the redirect policy is removed so that
 * a redirect can never carry the bearer token elsewhere, and signing moves after retrying. The
 * tracing policy is removed: Portcullis sets up no OpenTelemetry tracer, and without one the
 * policy still sanitised every URL, awaited the user agent and started a no-op span on every
 * request (about a fifth of the client's own CPU per request; bench/README.md, change-set-200).
 * Built once per instance: the pipeline, token cache and keep-alive connections are reused by
 * every call.
 */
export function createSdkClient(
  instance: ApimInstance,
  credential: TokenCredential,
  options: SdkClientOptions,
): ApiManagementClient {
  const client = new ApiManagementClient(credential, instance.subscriptionId, {
    endpoint: instance.armEndpoint,
    // Without it the SDK would ask for a token for `${endpoint}/.default`, wrong for the simulator.
    credentialScopes: [options.scope],
    httpClient: options.httpClient,
  });
  client.pipeline.removePolicy({ phase: "Retry" });
  client.pipeline.removePolicy({ name: redirectPolicyName });
  client.pipeline.removePolicy({ name: tracingPolicyName });
  // ApiManagementClient adds its bearer policy without a phase, i.e. before the retry phase,
  // so every retry would reuse the first attempt's token; signing belongs after retrying.
  for (const signing of client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName })) {
    client.pipeline.addPolicy(signing, { phase: "Sign" });
  }
  client.pipeline.addPolicy(armRequestGuardPolicy(instance.armEndpoint));
  client.pipeline.addPolicy(armRetryPolicy(options.retry, options.random), { phase: "Retry" });
  return client;
}
