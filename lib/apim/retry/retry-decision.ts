import type { RetryOptions } from "./retry-options";

/**
 * What a request may safely be retried after:
 * - `read`: GET and HEAD change nothing.
 * - `conditionalWrite`: PUT/PATCH/DELETE with If-Match. Repeating it cannot clobber anyone,
 *   but if an earlier attempt landed the repeat fails with 412 (or 404 for a delete).
 * - `unconditionalWrite`: PUT without If-Match (a create) and POST. Repeated only when the
 *   server cannot have carried it out.
 */
export type RequestKind = "read" | "conditionalWrite" | "unconditionalWrite";

export function requestKind(method: string, ifMatch: string | undefined): RequestKind {
  if (method === "GET" || method === "HEAD") return "read";
  return ifMatch === undefined ? "unconditionalWrite" : "conditionalWrite";
}

/** How one attempt ended, reduced to what the decision needs. */
export type AttemptOutcome =
  | { type: "response"; status: number; armCode?: string; retryAfterMs?: number }
  | { type: "transportError"; code: string | undefined };

/**
 * - `final`: an answer to act on (success, or an error that repeating will not change).
 * - `notProcessed`: the server said, or the connection shows, that nothing was done.
 * - `ambiguous`: transient, but the server may have done the work before failing.
 */
export type OutcomeClass = "final" | "notProcessed" | "ambiguous";

// The connection was never established, so the request cannot have been received.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
// Lost mid-flight: the request may have been received and carried out.
const LOST_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNABORTED",
  "ATTEMPT_TIMEOUT",
  "REQUEST_SEND_ERROR",
]);

export function classifyOutcome(outcome: AttemptOutcome): OutcomeClass {
  if (outcome.type === "transportError") {
    if (outcome.code !== undefined && NOT_SENT_CODES.has(outcome.code)) return "notProcessed";
    return outcome.code !== undefined && LOST_CODES.has(outcome.code) ? "ambiguous" : "final";
  }
  const { status, armCode, retryAfterMs } = outcome;
  // ARM does not process a throttled request, nor one refused while another operation
  // holds the API (409 PessimisticConcurrencyConflict); a 503 with Retry-After is a refusal too.
  if (status === 429) return "notProcessed";
  if (status === 409 && armCode === "PessimisticConcurrencyConflict") return "notProcessed";
  if (status === 503 && retryAfterMs !== undefined) return "notProcessed";
  if (status === 408 || (status >= 500 && status !== 501 && status !== 505)) return "ambiguous";
  return "final";
}

/** True when a write's attempt ended so that the server may have carried it out. */
export function mayHaveLanded(kind: RequestKind, outcome: AttemptOutcome): boolean {
  if (kind === "read") return false;
  if (outcome.type === "transportError") return !(outcome.code !== undefined && NOT_SENT_CODES.has(outcome.code));
  return classifyOutcome(outcome) === "ambiguous";
}

export type RetryDecision =
  { retry: true; delayMs: number } | { retry: false; reason: "final" | "unsafe" | "exhausted" | "budget" };

export interface RetryInput {
  kind: RequestKind;
  outcome: AttemptOutcome;
  /** Attempts made for this request so far, the one that produced `outcome` included. */
  attempt: number;
  /** Sleep the call may still spend on retries. */
  remainingWaitMs: number;
  options: RetryOptions;
  /** In [0, 1); injectable so tests can pin the jitter. */
  random: () => number;
}

export function decideRetry(input: RetryInput): RetryDecision {
  const { kind, outcome, attempt, remainingWaitMs, options } = input;
  const outcomeClass = classifyOutcome(outcome);
  if (outcomeClass === "final") return { retry: false, reason: "final" };
  if (outcomeClass === "ambiguous" && kind === "unconditionalWrite") return { retry: false, reason: "unsafe" };
  if (attempt >= options.maxAttempts) return { retry: false, reason: "exhausted" };
  const serverDelay = outcome.type === "response" ? outcome.retryAfterMs : undefined;
  const delayMs = serverDelay ?? backoffDelay(attempt, options, input.random);
  // Sleeping only part of a Retry-After would just be throttled again: give up now instead.
  if (delayMs > remainingWaitMs) return { retry: false, reason: "budget" };
  return { retry: true, delayMs };
}

/** Exponential backoff with "equal jitter": half the step fixed, half random. */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
