import { AsyncLocalStorage } from "node:async_hooks";
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
}

export interface ArmResult<T> {
  value: T;
  trace: ArmTrace;
}

/**
 * The state of one call shared by its requests. The SDK gives a pipeline policy no way to
 * receive per-call data, so the call runs inside an AsyncLocalStorage scope that our
 * policies read (retry-policy.ts): that is how one retry budget and one correlation id span
 * every page, retry and poll of the call.
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

const storage = new AsyncLocalStorage<ArmCallState>();

export function newArmCallState(options: ArmCallOptions, defaultTimeoutMs: number): ArmCallState {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const deadline = AbortSignal.timeout(timeoutMs);
  return {
    correlationId: options.correlationId ?? randomUUID(),
    signal: options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]),
    callerSignal: options.signal,
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
}

export function runInArmCall<T>(state: ArmCallState, fn: () => Promise<T>): Promise<T> {
  return storage.run(state, fn);
}

export function currentArmCall(): ArmCallState {
  const state = storage.getStore();
  if (state === undefined) throw new Error("ARM request sent outside an ARM call (use the ApimClient operations)");
  return state;
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
