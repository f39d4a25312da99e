import { AppError, type AppErrorCode, type FieldIssue } from "../../errors";
import type { ArmCallState } from "../call/arm-call";
import type { ArmErrorDetail } from "./arm-error-body";
import { failureOf, type ArmFailure } from "./arm-failure";

/**
 * `AppError.details` of every error this client throws: safe to show, record and audit.
 * (A type, not an interface, so that it is assignable to `AppError.details`.)
 */
export type ArmErrorDetails = {
  /** HTTP status of the last response, null when none arrived. */
  status: number | null;
  armCode?: string;
  armMessage?: string;
  armDetails?: Array<ArmErrorDetail & PolicyLocation>;
  transportCode?: string;
  correlationId: string;
  requestIds: string[];
  attempts: number;
  /**
   * A write of this call may have been carried out although the call failed (a lost
   * response, a 5xx, a timeout, or an accepted long-running operation). A 412 with this set
   * may be our own earlier attempt: re-read and reconcile before planning again.
   */
  mayHaveLanded: boolean;
  /** When the server asked for more patience than the retry budget allows. */
  retryAfterMs?: number;
  /** This caller sent nothing: the error is that of an identical read it joined (coalesced-reads.ts). */
  joined?: true;
};

/** Where APIM located a policy error: "Error in element 'x' on line 3, column 10: …". */
export interface PolicyLocation {
  element?: string;
  line?: number;
  column?: number;
}

/**
 * Turns whatever a call threw into an AppError. `what` names the target for messages, e.g.
 * "policy of API 'openai'". Caller cancellation and programming errors are rethrown as is.
 * Messages carry ARM's own words (never request bodies or tokens) so admins can act on them.
 */
export function toAppError(error: unknown, call: ArmCallState, what: string): unknown {
  if (error instanceof AppError) return error;
  const failure = failureOf(error);
  if (failure?.unusable !== undefined) {
    return new AppError("upstream", `ARM's answer for ${what} could not be used: ${failure.unusable}`, {
      details: detailsOf(failure, call),
    });
  }
  if (failure?.status != null) return fromStatus(failure, call, what);
  if (call.callerSignal?.aborted) return call.callerSignal.reason ?? error;
  if (call.signal.aborted) {
    return new AppError("unavailable", `ARM did not complete ${what} within ${call.timeoutMs} ms${landedNote(call)}`, {
      details: detailsOf({ status: null }, call),
    });
  }
  if (error instanceof Error && TOKEN_ERRORS.has(error.name)) {
    // @azure/identity's messages name the tenant, client and AADSTS code, never a secret.
    return new AppError(
      "upstream",
      `Portcullis could not get an ARM token for ${what} (${error.name}): ${error.message.slice(0, 500)}`,
      {
        details: detailsOf({ status: null }, call),
      },
    );
  }
  if (failure !== undefined) {
    const why = call.gaveUp === "unsafe" ? "; not retried because the write may have been carried out" : "";
    return new AppError(
      "unavailable",
      `Could not reach ARM for ${what} (${failure.transportCode ?? "connection failed"}) after ${call.attempts} attempt(s)${why}${landedNote(call)}`,
      {
        details: detailsOf(failure, call),
      },
    );
  }
  return error;
}

function fromStatus(failure: ArmFailure, call: ArmCallState, what: string): AppError {
  const status = failure.status as number;
  const arm = failure.error;
  const armText = arm?.message === undefined ? "" : `: ${arm.message}`;
  const details = detailsOf(failure, call);
  const make = (code: AppErrorCode, message: string, fields: FieldIssue[] = []) =>
    new AppError(code, message, { fields, details });

  if (status === 412) {
    return make(
      "precondition_failed",
      `${capitalised(what)} was modified since it was last read (its ETag no longer matches); read it again and make a new plan${landedNote(call)}`,
    );
  }
  if (status === 404) return make("not_found", `${capitalised(what)} was not found in APIM${landedNote(call)}`);
  if (status === 401 || status === 403) {
    return make(
      "upstream",
      `ARM refused Portcullis's identity for ${what} (${status} ${arm?.code ?? ""}${armText}): it needs a valid token and rights on the APIM service (e.g. API Management Service Contributor)`,
    );
  }
  if (status === 400) {
    const fields = (details.armDetails ?? []).map((detail) => ({
      path: detail.target ?? "",
      message: detail.message ?? detail.code ?? "invalid",
    }));
    const listed = fields.map((field) => ` ${field.message}`).join(";");
    return make("bad_request", `APIM rejected ${what}${armText}${listed}`, fields);
  }
  if (status === 429 || status >= 500 || (status === 409 && arm?.code === "PessimisticConcurrencyConflict")) {
    const why =
      call.gaveUp === "unsafe"
        ? "; not retried because the write may have been carried out"
        : call.gaveUp === "budget"
          ? "; the retry budget does not allow waiting as long as asked"
          : "";
    return make(
      "unavailable",
      `ARM answered ${status} for ${what} after ${call.attempts} attempt(s)${why}${armText}${landedNote(call)}`,
    );
  }
  if (status === 409) return make("conflict", `APIM refused ${what} because of a conflicting state${armText}`);
  return make("upstream", `ARM answered ${status} for ${what}${armText}`);
}

function detailsOf(failure: ArmFailure, call: ArmCallState): ArmErrorDetails {
  const details: ArmErrorDetails = {
    status: failure.status,
    correlationId: call.correlationId,
    requestIds: [...call.requestIds],
    attempts: call.attempts,
    mayHaveLanded: call.mayHaveLanded,
  };
  if (failure.transportCode !== undefined) details.transportCode = failure.transportCode;
  if (failure.error?.code !== undefined) details.armCode = failure.error.code;
  if (failure.error?.message !== undefined) details.armMessage = failure.error.message;
  if (failure.error !== undefined && failure.error.details.length > 0) {
    details.armDetails = failure.error.details.map((detail) => ({ ...detail, ...policyLocation(detail.message) }));
  }
  if (call.gaveUp === "budget" && call.retryAfterMs !== null) details.retryAfterMs = call.retryAfterMs;
  return details;
}

// What @azure/identity credentials throw when they cannot produce a token.
const TOKEN_ERRORS = new Set([
  "CredentialUnavailableError",
  "AuthenticationError",
  "AggregateAuthenticationError",
  "AuthenticationRequiredError",
]);

const LOCATION = /Error in element '([^']+)' on line (\d+), column (\d+)/;

export function policyLocation(message: string | undefined): PolicyLocation {
  const match = message === undefined ? null : LOCATION.exec(message);
  if (match === null) return {};
  return { element: match[1], line: Number(match[2]), column: Number(match[3]) };
}

function landedNote(call: ArmCallState): string {
  return call.mayHaveLanded
    ? " (an earlier attempt of this write may have been carried out: read the entity again)"
    : "";
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
