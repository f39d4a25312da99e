import { randomBytes } from "node:crypto";
import type { ArmError } from "../arm/arm-error";

/**
 * APIM's asynchronous writes (named value PUT/PATCH/refreshSecret, API imports) answer 202
 * with a `Location` carrying `asyncId`; polling it answers 202 until the operation is done,
 * then the final status (01-arm-rest-reference.md, "Long-running operations").
 *
 * An operation is done after `polls` polls have been answered 202, or `maxDurationMs` after
 * it started, whichever comes first: polls make tests deterministic, the time limit keeps
 * an operation nobody polls from holding its API forever (real operations finish on their
 * own). Operations live in memory only; after a restart an unknown asyncId counts as done.
 */
export interface LroSettings {
  /** Polls answered 202 before the final answer. */
  polls: number;
  /** `Retry-After` (seconds) on each 202; none when undefined, like the recordings. */
  retryAfterSeconds?: number;
  maxDurationMs: number;
}

interface Operation {
  pollsLeft: number;
  deadline: number;
  apiKey?: string;
  failure?: ArmError;
}

/** Finished operations are remembered so that a repeated poll gets the same answer. */
const remembered = 10_000;

export class LongRunningOperations {
  private readonly operations = new Map<string, Operation>();
  /** The latest operation per API, for 409 PessimisticConcurrencyConflict. */
  private readonly latestByApi = new Map<string, Operation>();

  constructor(
    readonly settings: LroSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts an operation; `failure` is what its final poll answers instead of success. */
  start(options: { apiKey?: string; failure?: ArmError } = {}): string {
    const id = randomBytes(12).toString("hex");
    const operation: Operation = {
      pollsLeft: this.settings.polls,
      deadline: this.now() + this.settings.maxDurationMs,
      ...options,
    };
    this.operations.set(id, operation);
    if (options.apiKey !== undefined) this.latestByApi.set(options.apiKey, operation);
    if (this.operations.size > remembered) this.forgetOldest();
    return id;
  }

  /** Answers one poll: still running (and counts the poll), or finished with its outcome. */
  poll(asyncId: string): { running: true } | { running: false; failure?: ArmError } {
    const operation = this.operations.get(asyncId);
    if (operation === undefined) return { running: false };
    if (this.isRunning(operation)) {
      operation.pollsLeft -= 1;
      return { running: true };
    }
    return { running: false, failure: operation.failure };
  }

  isApiBusy(apiKey: string): boolean {
    const operation = this.latestByApi.get(apiKey);
    return operation !== undefined && this.isRunning(operation);
  }

  clear(): void {
    this.operations.clear();
    this.latestByApi.clear();
  }

  private isRunning(operation: Operation): boolean {
    return operation.pollsLeft > 0 && this.now() < operation.deadline;
  }

  private forgetOldest(): void {
    const [oldest] = this.operations.keys();
    if (oldest !== undefined) this.operations.delete(oldest);
  }
}
