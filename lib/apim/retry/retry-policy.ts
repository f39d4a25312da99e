import { setTimeout as sleep } from "node:timers/promises";
import {
  isRestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { log } from "../../log";
import { currentArmCall, type ArmCallState } from "../call/arm-call";
import { armErrorOf } from "../errors/arm-error-body";
import { decideRetry, mayHaveLanded, requestKind, type AttemptOutcome } from "./retry-decision";
import { parseRetryAfter } from "./retry-after";
import type { RetryOptions } from "./retry-options";

export const armRetryPolicyName = "portcullisArmRetryPolicy";

/**
 * The only retry policy of the ARM pipeline (the SDK's own is removed, see sdk-client.ts).
 * It runs in the "Retry" phase, below deserialization and above signing, so it sees raw
 * responses and every attempt gets a fresh token. It also stamps the call's correlation id
 * and records every response's request id, status and ETag into the call's trace.
 */
export function armRetryPolicy(options: RetryOptions, random: () => number = Math.random): PipelinePolicy {
  return {
    name: armRetryPolicyName,
    async sendRequest(request, next) {
      const call = currentArmCall();
      request.headers.set("x-ms-correlation-request-id", call.correlationId);
      request.abortSignal = call.signal;
      if (!request.timeout) request.timeout = options.attemptTimeoutMs;
      const kind = requestKind(request.method, request.headers.get("if-match"));

      for (let attempt = 1; ; attempt++) {
        call.attempts += 1;
        let response: PipelineResponse | undefined;
        let error: unknown;
        let outcome: AttemptOutcome;
        try {
          response = await next(request);
          outcome = recordResponse(call, response);
        } catch (caught) {
          error = caught;
          outcome = { type: "transportError", code: transportCode(caught, request) };
        }
        if (mayHaveLanded(kind, outcome)) call.mayHaveLanded = true;
        // The deadline or the caller ended the call: nothing more may be sent.
        if (call.signal.aborted) {
          if (error !== undefined) throw error;
          return response as PipelineResponse;
        }
        const decision = decideRetry({
          kind,
          outcome,
          attempt,
          remainingWaitMs: options.maxRetryWaitMs - call.retryWaitMs,
          options,
          random,
        });
        if (!decision.retry) {
          call.gaveUp = decision.reason === "final" ? null : decision.reason;
          if (error !== undefined) throw error;
          return response as PipelineResponse;
        }
        log.debug(
          {
            correlationId: call.correlationId,
            method: request.method,
            path: new URL(request.url).pathname,
            outcome,
            attempt,
            delayMs: decision.delayMs,
          },
          "retrying ARM request",
        );
        call.retryWaitMs += decision.delayMs;
        await sleep(decision.delayMs, undefined, { signal: call.signal });
      }
    },
  };
}

function recordResponse(call: ArmCallState, response: PipelineResponse): AttemptOutcome {
  const header = (name: string) => response.headers.get(name);
  const requestId = header("x-ms-request-id");
  if (requestId !== undefined) call.requestIds.push(requestId);
  call.status = response.status;
  call.etag = header("etag") ?? null;
  const retryAfterMs = parseRetryAfter(header);
  call.retryAfterMs = retryAfterMs ?? null;
  // Only error bodies are parsed: a 409's code decides whether it is retried.
  const armCode = response.status >= 400 ? armErrorOf(response.bodyAsText)?.code : undefined;
  return { type: "response", status: response.status, armCode, retryAfterMs };
}

/** The transport error's code; a timeout of our own attempt counts as a lost connection. */
function transportCode(error: unknown, request: PipelineRequest): string | undefined {
  if (request.abortSignal?.aborted) return "ABORTED";
  if (error instanceof Error && error.name === "AbortError") return "ATTEMPT_TIMEOUT";
  return isRestError(error) ? error.code : undefined;
}
