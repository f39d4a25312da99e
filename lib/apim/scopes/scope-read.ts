import { AppError, type AppErrorCode } from "../../errors";
import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import type { ArmErrorDetails } from "../errors/map-arm-error";

/**
 * Why a scope could not be read, in ARM's words and with its ids: safe to show, store and
 * audit (never a request body or token). The analysis names what it could not conclude
 * because of it, instead of treating the scope as empty.
 */
export interface UnreadableScope {
  /** The AppError code the read failed with: `upstream` for a 403, `unavailable` for a 5xx or timeout, … */
  code: AppErrorCode;
  message: string;
  /** HTTP status of ARM's last answer, null when none arrived. */
  status: number | null;
  armCode: string | null;
  armMessage: string | null;
  correlationId: string | null;
  requestIds: string[];
}

/** A scope as read at `readAt` (an ISO instant): its value, or why it could not be read. */
export type ScopeRead<T> =
  { state: "read"; value: T; readAt: string } | { state: "unreadable"; error: UnreadableScope; readAt: string };

/**
 * Runs the reads of one scope collection: each read under the shared concurrency limit and
 * the caller's call options (one correlation id for the whole collection), ARM failures
 * turned into `unreadable` results so that one refused scope never loses the others, and
 * every HTTP request counted (retries included) to compare with the minimum.
 */
export class ScopeReader {
  /** HTTP requests sent so far, retries included. */
  requests = 0;

  constructor(
    private readonly limit: <T>(task: () => Promise<T>) => Promise<T>,
    private readonly call: ArmCallOptions = {},
  ) {}

  read<T>(operation: (call: ArmCallOptions) => Promise<ArmResult<T>>): Promise<ScopeRead<T>> {
    return this.limit(async () => {
      try {
        const { value, trace } = await operation({ ...this.call });
        // A read that joined one in flight sent nothing (lib/apim/coalesced-reads.ts).
        if (!trace.joined) this.requests += trace.attempts;
        return { state: "read", value, readAt: new Date().toISOString() };
      } catch (error) {
        const unreadable = unreadableOf(error);
        this.requests += unreadable.attempts;
        return { state: "unreadable", error: unreadable.error, readAt: new Date().toISOString() };
      }
    });
  }
}

/** An ARM failure as an unreadable scope; anything else (cancellation, a bug) is rethrown. */
function unreadableOf(error: unknown): { error: UnreadableScope; attempts: number } {
  if (!(error instanceof AppError) || typeof error.details.correlationId !== "string") throw error;
  const details = error.details as ArmErrorDetails;
  return {
    attempts: details.joined === true ? 0 : details.attempts,
    error: {
      code: error.code,
      message: error.message,
      status: details.status,
      armCode: details.armCode ?? null,
      armMessage: details.armMessage ?? null,
      correlationId: details.correlationId,
      requestIds: details.requestIds,
    },
  };
}
