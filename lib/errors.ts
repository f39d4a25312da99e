/**
 * The one error type of the application. Use cases and libraries throw it for every
 * expected failure; entry points map it to HTTP (RFC 9457 problem+json) or to form state
 * with `lib/rest/problem.ts`. Anything that is not an AppError is an internal error: it is
 * logged with the request id and shown without internals.
 */
export type AppErrorCode =
  | "bad_request" // input failed validation; `fields` says which and why
  | "unauthenticated" // no or invalid credentials (401)
  | "forbidden" // authenticated but lacks the permission (403)
  | "approver-contributed" // an approval by someone who wrote an input of what they approve (403, `contributed`)
  | "not_found"
  | "method_not_allowed" // the route does not serve this method (405, with Allow)
  | "conflict" // state changed underneath (409)
  | "approval-required" // the plan lacks the approvals its instance requires, or was rejected (409)
  | "effective-access-blocked" // a plan whose profile another policy scope would undo cannot be applied (409)
  | "variables-missing" // the profile uses ${name} variables its environment does not set (409, `missingVariables`)
  | "variables-changed" // a change set's environment variables changed since it was made (409, `variables`)
  | "superseded" // a newer change set replaced this one before it was applied (409, `supersededBy`)
  | "precondition_failed" // stale ETag / If-Match (412)
  | "payload_too_large" // request body over the limit (413)
  | "precondition_required" // If-Match missing where required (428)
  | "upstream" // APIM / ARM failed in a way the caller should see (502)
  | "unavailable" // dependency temporarily unavailable (503)
  | "config"; // the application is misconfigured (start-up)

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `callerAuth.clientApplicationIds[1]`. */
  path: string;
  message: string;
}

/**
 * What makes an error an AppError, whichever copy of this module made it. `npm start` runs two
 * copies in one process: the Next.js server bundle's and the one the scheduler is loaded from
 * (scripts/serve-app.ts, through tsx). They share what lib/ keeps on globalThis (the ARM clients,
 * the database handle), so an AppError thrown by one copy's code reaches the other's
 * `instanceof` checks, which compare classes by identity: a 503 from ARM then showed as "something
 * went wrong" instead of ARM's answer. A registered symbol is the same in both copies.
 */
const APP_ERROR = Symbol.for("portcullis.AppError");

export class AppError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { [APP_ERROR]?: true })[APP_ERROR] === true;
  }

  readonly [APP_ERROR] = true as const;
  readonly code: AppErrorCode;
  readonly fields: FieldIssue[];
  /** Extra, non-secret facts safe to show the caller (e.g. ARM error code, target). */
  readonly details: Record<string, unknown>;

  constructor(
    code: AppErrorCode,
    message: string,
    options: { fields?: FieldIssue[]; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options.fields ?? [];
    this.details = options.details ?? {};
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
