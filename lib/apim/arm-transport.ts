import { authorizeRequestOnClaimChallenge } from "@azure/core-client";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createEmptyPipeline,
  createHttpHeaders,
  createPipelineRequest,
  proxyPolicy,
  userAgentPolicy,
  type HttpClient,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import type { ApimInstance } from "./apim-instance";
import { checkArmRequest } from "./arm-request-guard";
import type { ArmCallState } from "./call/arm-call";
import type { RawArmRequest } from "./raw-request";
import { sendWithRetries } from "./retry/retry-policy";
import type { RetryOptions } from "./retry/retry-options";

export interface ArmTransportOptions {
  scope: string;
  retry: RetryOptions;
  /** Tests replace the transport; production shares one keep-alive HTTPS client (sharedHttpClient). */
  httpClient?: HttpClient;
  random?: () => number;
}

/** Sends one request of a call: guarded, retried within the call's budget, signed per attempt. */
export interface ArmTransport {
  send(call: ArmCallState, request: RawArmRequest): Promise<PipelineResponse>;
}

/**
 * How every ARM request of one instance goes out. Not the SDK's generated client
 * (@azure/arm-apimanagement): its operation specs and (de)serialisers, and the dozen policies of
 * its pipeline (serialisation, deserialisation, form data, multipart, logging, request ids, …),
 * cost more CPU than the HTTPS request itself, ~180 µs per request against ~100 µs, on the path
 * of every plan and apply (bench/README.md, "ARM request CPU"). What is kept from
 * @azure/core-rest-pipeline: its HTTP client (keep-alive agents, gzip, timeouts), the proxy
 * settings of the environment (HTTPS_PROXY, NO_PROXY), its user agent, and its bearer token
 * policy (a token cached until shortly before it expires, CAE claim challenges). Guarding,
 * retrying and stamping the call's correlation id are ours, done here around that pipeline, so
 * every attempt is signed with a current token. No redirect is ever followed, so a redirect
 * cannot carry the token elsewhere. Not kept: the SDK's request logging (AZURE_LOG_LEVEL), and
 * tracing, for which Portcullis sets up no tracer. Built once per instance.
 */
export function createArmTransport(
  instance: ApimInstance,
  credential: TokenCredential,
  options: ArmTransportOptions,
): ArmTransport {
  const origin = new URL(instance.armEndpoint).origin;
  const httpClient = options.httpClient ?? sharedHttpClient();
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(proxyPolicy());
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "portcullis" }));
  pipeline.addPolicy(
    bearerTokenAuthenticationPolicy({
      credential,
      scopes: options.scope,
      challengeCallbacks: { authorizeRequestOnChallenge: authorizeRequestOnClaimChallenge },
    }),
    { phase: "Sign" },
  );
  return {
    send(call, raw) {
      checkArmRequest(origin, raw);
      const headers = createHttpHeaders({
        accept: "application/json",
        // As the SDK's pipeline asked: ARM compresses large lists; the HTTP client inflates them.
        "accept-encoding": "gzip,deflate",
        "x-ms-correlation-request-id": call.correlationId,
      });
      if (raw.body !== undefined) headers.set("content-type", "application/json; charset=utf-8");
      if (raw.ifMatch !== undefined) headers.set("if-match", raw.ifMatch);
      const request = createPipelineRequest({
        url: raw.url,
        method: raw.method,
        headers,
        body: raw.body === undefined ? undefined : JSON.stringify(raw.body),
        abortSignal: call.signal,
        timeout: options.retry.attemptTimeoutMs,
      });
      // ARM echoes it in its logs beside its own request id.
      headers.set("x-ms-client-request-id", request.requestId);
      const attempt = () => pipeline.sendRequest(httpClient, request);
      return sendWithRetries(call, request, attempt, options.retry, options.random);
    },
  };
}

let shared: HttpClient | undefined;

/** One HTTP client for every instance of the process: its keep-alive connections are reused by all. */
function sharedHttpClient(): HttpClient {
  shared ??= createDefaultHttpClient();
  return shared;
}
