import { isAppError, type AppError, type AppErrorCode, type FieldIssue } from "../errors";
import { log } from "../log";

/** RFC 9457 problem details, as every /api/v1 error is returned. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: AppErrorCode | "internal";
  errors?: FieldIssue[];
  [extension: string]: unknown;
}

const STATUS: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  "approver-contributed": 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  "approval-required": 409,
  "effective-access-blocked": 409,
  "variables-missing": 409,
  "variables-changed": 409,
  superseded: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  precondition_required: 428,
  upstream: 502,
  unavailable: 503,
  config: 500,
};

const TITLE: Record<AppErrorCode | "internal", string> = {
  bad_request: "The request is not valid",
  unauthenticated: "Authentication required",
  forbidden: "Not allowed",
  "approver-contributed": "You wrote an input of what you would approve",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  "approval-required": "Approval required",
  "effective-access-blocked": "Another policy scope would undo the access profile",
  "variables-missing": "The environment does not set every variable the profile uses",
  "variables-changed": "The environment's variables changed since the change set was made",
  superseded: "A newer change set replaced this one",
  precondition_failed: "The resource changed",
  payload_too_large: "The request body is too large",
  precondition_required: "If-Match required",
  upstream: "Azure API Management reported an error",
  unavailable: "Temporarily unavailable",
  config: "Portcullis is misconfigured",
  internal: "Internal error",
};

/**
 * Turns any thrown value into a problem. AppErrors carry a message written for the caller;
 * anything else is logged with the request id and answered without internals.
 */
export function toProblem(error: unknown, requestId: string): Problem {
  if (isAppError(error) && error.code !== "config") return fromAppError(error, requestId);
  log.error({ err: error, requestId }, "unhandled error");
  return {
    type: "about:blank",
    title: TITLE.internal,
    status: 500,
    detail: `Something went wrong on our side. Quote request id ${requestId} when reporting it.`,
    instance: `urn:request:${requestId}`,
    code: "internal",
  };
}

function fromAppError(error: AppError, requestId: string): Problem {
  // Details (e.g. ARM's own status and codes) are extensions: they come first so that they can
  // never replace the problem's own members — our status is not APIM's status.
  return {
    ...error.details,
    type: "about:blank",
    title: TITLE[error.code],
    status: STATUS[error.code],
    detail: error.message,
    instance: `urn:request:${requestId}`,
    code: error.code,
    ...(error.fields.length > 0 ? { errors: error.fields } : {}),
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: {
      "content-type": "application/problem+json",
      "x-request-id": problem.instance.replace("urn:request:", ""),
      ...headers,
    },
  });
}
