import { randomUUID } from "node:crypto";

/** Per-call options every operation of the client takes. */
export interface ArmCallOptions {
  /**
   * Sent as `x-ms-correlation-request-id` on every request of the call, so ARM's logs and
   * our audit trail can be joined (e.g. one id per deployment step). Generated when absent.
   */
  correlationId?: string;
  /** Cancels the call. */
  signal?: AbortSignal;
  /** Wall-clock bound of the whole call: retries, pages and long-running polls included. */
  timeoutMs?: number;
}

/** What ARM said about a call, for deployment steps and audit events. */
export interface ArmTrace {
  correlationId: string;
  /** `x-ms-request-id` of every response received, in order (retries, pages, polls). */
  requestIds: string[];
  /** Status of the last response, or null if none arrived. */
  status: number | null;
  /** `ETag` of the last response, null when it carried none (e.g. a list or a delete). */
  etag: string | null;
  /** HTTP requests sent, retries included. */
  attempts: number;
  /**
   * This caller sent nothing: it joined an identical read already in flight (coalesced-reads.ts),
   * whose correlation id, request ids, status and attempts these are.
   */
  joined?: true;
}

export interface ArmResult<T> {
  value: T;
  trace: ArmTrace;
}

/**
 * The state of one call shared by its requests: every operation hands it to each request it
 * sends (ArmTransport.send), so one retry budget, deadline and correlation id span every page,
 * retry and poll of the call. Passed explicitly rather than through an AsyncLocalStorage scope:
 * on Node 20 an AsyncLocalStorage, once used, runs promise hooks on every promise of the process
 * (Prisma's and the database driver's too), a cost the whole apply paid for the ARM client.
 */
export interface ArmCallState {
  readonly correlationId: string;
  /** Aborts at the deadline or when the caller cancels. */
  readonly signal: AbortSignal;
  readonly callerSignal: AbortSignal | undefined;
  readonly timeoutMs: number;
  requestIds: string[];
  status: number | null;
  etag: string | null;
  attempts: number;
  retryWaitMs: number;
  /** A write of this call ended so that it may have been carried out (or was accepted). */
  mayHaveLanded: boolean;
  /** Why the retry policy stopped retrying the last request, when it did not succeed. */
  gaveUp: "unsafe" | "exhausted" | "budget" | null;
  /** Retry-After of the last response, null when it gave none. */
  retryAfterMs: number | null;
}

/**
 * A call's state, and `end` to call once the call is over: the deadline is a timer of our own
 * (cleared then), the caller's signal is followed through a listener (removed then), rather than
 * `AbortSignal.timeout` + `AbortSignal.any`, which made two signals and left a timer per call.
 */
export function newArmCallState(
  options: ArmCallOptions,
  defaultTimeoutMs: number,
): { call: ArmCallState; end: () => void } {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`The ARM call exceeded ${timeoutMs} ms`, "TimeoutError")),
    timeoutMs,
  );
  const callerSignal = options.signal;
  const followCaller = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) followCaller();
  else callerSignal?.addEventListener("abort", followCaller, { once: true });
  const call: ArmCallState = {
    correlationId: options.correlationId ?? randomUUID(),
    signal: controller.signal,
    callerSignal,
    timeoutMs,
    requestIds: [],
    status: null,
    etag: null,
    attempts: 0,
    retryWaitMs: 0,
    mayHaveLanded: false,
    gaveUp: null,
    retryAfterMs: null,
  };
  const end = () => {
    clearTimeout(timer);
    callerSignal?.removeEventListener("abort", followCaller);
  };
  return { call, end };
}

export function traceOf(state: ArmCallState): ArmTrace {
  return {
    correlationId: state.correlationId,
    requestIds: [...state.requestIds],
    status: state.status,
    etag: state.etag,
    attempts: state.attempts,
  };
}
