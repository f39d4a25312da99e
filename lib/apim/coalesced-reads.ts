import { randomUUID } from "node:crypto";
import { AppError } from "../errors";
import type { ApimClient } from "./apim-client";
import type { ArmCallOptions, ArmResult } from "./call/arm-call";
import type { ArmErrorDetails } from "./errors/map-arm-error";

/**
 * How long after a shared read was sent a new caller may still join it. An ARM read normally
 * answers within tens to hundreds of ms, so a healthy flight is joined for its whole life; one
 * still going after a second is retrying (throttled, 5xx) or hanging, and a new caller then gets a
 * request of its own with its whole own budget instead of inheriting an old one's trouble. It
 * also bounds what a joiner of a paged list can miss (below).
 */
export const JOIN_WINDOW_MS = 1_000;

export interface CoalescedReadsOptions {
  /** The client's default wall-clock bound of a call (ApimClientOptions.callTimeoutMs). */
  callTimeoutMs: number;
  /** For tests: JOIN_WINDOW_MS otherwise. */
  joinWindowMs?: number;
  /** For tests: a clock in ms. */
  now?: () => number;
}

/** One read in flight, shared by every caller that joined it. */
interface Flight {
  key: string;
  /** The starter's, or one made for the flight: every request of the shared call carries it. */
  correlationId: string;
  startedAt: number;
  /** When the shared call's own timeout ends it: no caller joins one that would end before its own deadline. */
  deadline: number;
  controller: AbortController;
  answer: Promise<ArmResult<unknown>>;
  waiters: number;
  settled: boolean;
}

const SERVICE = "service";
const GLOBAL_POLICY = "global policy";
const NAMED_VALUES = "named values";
const PLAIN_NAMED_VALUES = "plain named values";
const BACKENDS = "backends";

/**
 * Single-flight reads of an instance's instance-wide entities: the service, the global
 * (service-scope) policy, the named values list (metadata, and the plain values) and the backends
 * list. Every plan of an API reads all four (its effective-access check: lib/access), and they are
 * the same for every API of the instance, so 16 plans in flight sent the same four requests 16
 * times. Here a read made while an identical read of the same client (one per instance:
 * client-for-instance.ts) is in flight, sent at most JOIN_WINDOW_MS ago, gets that read's answer
 * instead of sending another request. Nothing is kept once the answer has arrived: this is not a
 * cache, and the next caller sends a new request.
 *
 * How stale a joiner's answer can be: ARM produced it while the flight was in flight. A single
 * request (the service, the global policy, a list of one page) is answered by its last attempt:
 * one sent after the joiner asked describes a later APIM than the joiner's own request would
 * have; one in flight when it asked describes APIM at most that one round trip earlier. A paged
 * list's pages answered before the joiner asked are at most JOIN_WINDOW_MS old, and a list is
 * never one moment of APIM anyway (its own caller reads page 2 after page 1). Nothing a
 * plan reads here is one it acts on unchecked later: lib/apim/README.md, "Single-flight reads",
 * says what guards an apply.
 *
 * Read-your-writes in this process: a write through this client to one of these entities (a named
 * value's PUT, DELETE or refreshSecret; a backend's PUT or DELETE) drops the flight of its kind
 * when it starts and again when it ends, so a read made after Portcullis's own write has ended
 * never joins a flight sent before it (a read made during the write may: it is concurrent with the
 * write either way). The client has no write of the service or of the global policy; one added
 * must go through `written` too.
 *
 * Each caller keeps its own cancellation and timeout: the shared request runs under none of them
 * (its own signal, aborted when every caller has gone, and its own timeout: the starter's plus
 * the join window, so a caller that joined within the window has the whole of its own); each
 * caller races the answer with its own `signal` (rejecting with the signal's reason, as a call
 * does) and `timeoutMs` (an `unavailable` AppError as a call's timeout, with the shared
 * request's correlation id and no request ids). An error of the shared request reaches every
 * caller waiting, and a failed flight is gone: the next caller sends again.
 *
 * What a joiner gets: the answer's `value` is the one object every caller of the flight gets,
 * deep-frozen (no caller changes it for another: one that tried would throw); its `trace` (a copy)
 * is the shared request's — its correlation id (the starter's), request ids, status and attempts
 * — with `joined: true`, which says this caller sent nothing (ScopeReader counts no requests for
 * it); an error's `details` likewise carry `joined: true`. The starter's trace is its own call's.
 */
export function withCoalescedReads(apim: ApimClient, options: CoalescedReadsOptions): ApimClient {
  const flights = new Map<string, Flight>();
  const joinWindowMs = options.joinWindowMs ?? JOIN_WINDOW_MS;
  const now = options.now ?? (() => performance.now());

  function forget(flight: Flight): void {
    if (flights.get(flight.key) === flight) flights.delete(flight.key);
  }

  function coalesced<T>(
    key: string,
    what: string,
    call: ArmCallOptions | undefined,
    read: (call: ArmCallOptions) => Promise<ArmResult<T>>,
  ): Promise<ArmResult<T>> {
    const { signal, correlationId } = call ?? {};
    if (signal?.aborted) return Promise.reject(signal.reason);
    const timeoutMs = call?.timeoutMs ?? options.callTimeoutMs;
    const at = now();
    const found = flights.get(key);
    const joined = found !== undefined && at - found.startedAt <= joinWindowMs && at + timeoutMs <= found.deadline;
    const flight = joined ? found : start(key, at, timeoutMs + joinWindowMs, correlationId, read);
    return wait(flight, signal, timeoutMs, joined, what) as Promise<ArmResult<T>>;
  }

  function start<T>(
    key: string,
    at: number,
    timeoutMs: number,
    correlationId: string | undefined,
    read: (call: ArmCallOptions) => Promise<ArmResult<T>>,
  ): Flight {
    const controller = new AbortController();
    const shared = { correlationId: correlationId ?? randomUUID(), signal: controller.signal, timeoutMs };
    // The callbacks use the flight made below: a promise never runs them in the tick that attaches them.
    const answer = read(shared).then(
      (result) => {
        flight.settled = true;
        forget(flight);
        return { value: deepFreeze(result.value), trace: result.trace };
      },
      (error: unknown) => {
        flight.settled = true;
        forget(flight);
        throw error;
      },
    );
    const flight: Flight = {
      key,
      correlationId: shared.correlationId,
      startedAt: at,
      deadline: at + timeoutMs,
      controller,
      waiters: 0,
      settled: false,
      answer,
    };
    flights.set(key, flight);
    return flight;
  }

  function wait(
    flight: Flight,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    joined: boolean,
    what: string,
  ): Promise<ArmResult<unknown>> {
    flight.waiters += 1;
    return new Promise((resolve, reject) => {
      let done = false;
      const leave = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        flight.waiters -= 1;
        if (flight.waiters === 0 && !flight.settled) {
          // Nobody waits for it any more: no new caller may join it, and it stops.
          forget(flight);
          flight.controller.abort(new DOMException("every caller of the shared read gave up", "AbortError"));
        }
        return true;
      };
      const onAbort = () => {
        if (leave()) reject(signal!.reason);
      };
      // Every caller's own deadline comes before the shared call's (the starter's by the window).
      const timer = setTimeout(() => {
        if (leave()) reject(timedOut(what, timeoutMs, flight, joined));
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      flight.answer.then(
        (result) => {
          if (!leave()) return;
          resolve(
            joined
              ? {
                  value: result.value,
                  trace: { ...result.trace, requestIds: [...result.trace.requestIds], joined: true },
                }
              : result,
          );
        },
        (error: unknown) => {
          if (leave()) reject(joined ? joinedError(error) : error);
        },
      );
    });
  }

  /**
   * A caller's own timeout while the shared request goes on for the others: what it has sent so
   * far is not known here, so none is claimed; a joiner says it sent nothing (`joined`).
   */
  function timedOut(what: string, timeoutMs: number, flight: Flight, joined: boolean): AppError {
    const details: ArmErrorDetails = {
      status: null,
      correlationId: flight.correlationId,
      requestIds: [],
      attempts: 0,
      mayHaveLanded: false,
      ...(joined ? { joined: true as const } : {}),
    };
    return new AppError("unavailable", `ARM did not complete ${what} within ${timeoutMs} ms`, { details });
  }

  /** Runs a write to `kinds`, dropping their flights when it starts and when it ends (read-your-writes). */
  function written<T>(kinds: readonly string[], write: () => Promise<T>): Promise<T> {
    const drop = () => {
      for (const kind of kinds) flights.delete(kind);
    };
    drop();
    return write().finally(drop);
  }

  const serviceName = apim.instance.serviceName;
  const namedValueKinds = [NAMED_VALUES, PLAIN_NAMED_VALUES];
  return {
    ...apim,
    getService: (call) => coalesced(SERVICE, `service '${serviceName}'`, call, (own) => apim.getService(own)),
    getScopePolicy: (scope, call) =>
      scope.kind === "service"
        ? coalesced(GLOBAL_POLICY, "global (service) policy", call, (own) => apim.getScopePolicy(scope, own))
        : apim.getScopePolicy(scope, call),
    listNamedValues: (call) =>
      coalesced(NAMED_VALUES, `the named values of service '${serviceName}'`, call, (own) => apim.listNamedValues(own)),
    listPlainNamedValues: (call) =>
      coalesced(PLAIN_NAMED_VALUES, `the named values of service '${serviceName}'`, call, (own) =>
        apim.listPlainNamedValues(own),
      ),
    listBackends: (call) =>
      coalesced(BACKENDS, `the backends of service '${serviceName}'`, call, (own) => apim.listBackends(own)),
    putNamedValue: (name, input, expected, call) =>
      written(namedValueKinds, () => apim.putNamedValue(name, input, expected, call)),
    deleteNamedValue: (name, expected, call) =>
      written(namedValueKinds, () => apim.deleteNamedValue(name, expected, call)),
    refreshNamedValueSecret: (name, call) => written(namedValueKinds, () => apim.refreshNamedValueSecret(name, call)),
    putBackend: (name, properties, expected, call) =>
      written([BACKENDS], () => apim.putBackend(name, properties, expected, call)),
    deleteBackend: (name, expected, call) => written([BACKENDS], () => apim.deleteBackend(name, expected, call)),
  };
}

/** The shared request's error as a joiner gets it: the same, marked as not sent by this caller. */
function joinedError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  return new AppError(error.code, error.message, {
    fields: error.fields,
    details: { ...error.details, joined: true },
    cause: error,
  });
}

/** Freezes an answer and everything in it (plain data: objects and arrays). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
