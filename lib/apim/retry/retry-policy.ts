import { setTimeout as sleep } from "node:timers/promises";
import { isRestError, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { log } from "../../log";
import type { ArmCallState } from "../call/arm-call";
import { armErrorOf } from "../errors/arm-error-body";
import { decideRetry, mayHaveLanded, requestKind, type AttemptOutcome } from "./retry-decision";
import { parseRetryAfter } from "./retry-after";
import type { RetryOptions } from "./retry-options";

/**
 * The only retry of ARM requests (arm-transport.ts): sends `request` through `attempt` (signing
 * and the HTTP client) until an answer is final, within the call's budget, and records every
 * response's request id, status and ETag into the call's trace. The request carries the call's
 * correlation id and signal; each attempt is signed again, so a retry never reuses a stale token.
 */
export async function sendWithRetries(
  call: ArmCallState,
  request: PipelineRequest,
  attempt: () => Promise<PipelineResponse>,
  options: RetryOptions,
  random: () => number = Math.random,
): Promise<PipelineResponse> {
  const kind = requestKind(request.method, request.headers.get("if-match"));
  for (let sent = 1; ; sent++) {
    call.attempts += 1;
    let response: PipelineResponse | undefined;
    let error: unknown;
    let outcome: AttemptOutcome;
    try {
      response = await attempt();
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
      attempt: sent,
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
        attempt: sent,
        delayMs: decision.delayMs,
      },
      "retrying ARM request",
    );
    call.retryWaitMs += decision.delayMs;
    await sleep(decision.delayMs, undefined, { signal: call.signal });
  }
}

function recordResponse(call: ArmCallState, response: PipelineResponse): AttemptOutcome {
  const header = (name: string) => response.headers.get(name);
  const requestId = header("x-ms-request-id");
  if (requestId !== undefined) call.requestIds.push(requestId);
  call.status = response.status;
  call.etag = header("etag") ?? null;
  // Only failures are read further: a success is final (a 202's Retry-After is the poller's), and a
  // 409's code decides whether it is retried.
  const failed = response.status >= 400;
  const retryAfterMs = failed ? parseRetryAfter(header) : undefined;
  call.retryAfterMs = retryAfterMs ?? null;
  const armCode = failed ? armErrorOf(response.bodyAsText)?.code : undefined;
  return { type: "response", status: response.status, armCode, retryAfterMs };
}

/** The transport error's code; a timeout of our own attempt counts as a lost connection. */
function transportCode(error: unknown, request: PipelineRequest): string | undefined {
  if (request.abortSignal?.aborted) return "ABORTED";
  if (error instanceof Error && error.name === "AbortError") return "ATTEMPT_TIMEOUT";
  return isRestError(error) ? error.code : undefined;
}
