/** The one retry budget of every ARM request (see retry-decision.ts for what is retried). */
export interface RetryOptions {
  /** Attempts per HTTP request, the first one included. */
  maxAttempts: number;
  /** Total time one call may spend sleeping between attempts, over all its requests. */
  maxRetryWaitMs: number;
  /** First backoff step when the server gave no Retry-After; doubles per attempt. */
  baseDelayMs: number;
  /** Cap of one backoff step (a server's Retry-After is honoured even when longer). */
  maxDelayMs: number;
  /** A single attempt that has not answered by then is abandoned like a dropped connection. */
  attemptTimeoutMs: number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 5,
  maxRetryWaitMs: 30_000,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  attemptTimeoutMs: 30_000,
};
