import { z } from "zod";
import type { Input, Operation, Output } from "./operation";
import { bearerContext } from "../auth/bearer-context";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { AppError, isAppError } from "../errors";
import { log } from "../log";
import { parseInput } from "../validation";
import { problemResponse, toProblem } from "./problem";
import { readLimitedBody } from "./read-limited-body";
import { requestMetaFrom } from "./request-meta";

export interface HandlerResult<T> {
  body: T;
  status?: number;
  etag?: string;
  location?: string;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

/**
 * Wraps one REST operation: bearer token only (the session cookie is never read here), the
 * operation's permission, zod parsing of path, query, If-Match and body, and a response
 * shaped by the operation's schema, so nothing undeclared (let alone a secret) can leak out.
 * Every error becomes problem+json.
 */
export function apiHandler<O extends Operation>(
  operation: O,
  handler: (ctx: RequestContext, input: Input<O>) => Promise<Output<O> | HandlerResult<Output<O>> | Response>,
): (request: Request, route: RouteContext) => Promise<Response> {
  return async (request, route) => {
    const meta = requestMetaFrom(request.headers);
    try {
      const ctx = await bearerContext(request.headers, meta);
      await authorize(ctx, operation.permission, operation.id);
      const input = await parseRequest(operation, request, route);
      const result = await handler(ctx, input as Input<O>);
      if (result instanceof Response) {
        // Downloads stream their own body; only operations declared as downloads may.
        if (!operation.download) throw new Error(`${operation.id} returned a raw response but is not a download`);
        result.headers.set("x-request-id", meta.requestId);
        return result;
      }
      return respond(operation, isHandlerResult(result) ? result : { body: result }, meta.requestId);
    } catch (error) {
      const problem = toProblem(error, meta.requestId);
      if (isAppError(error) && error.code === "unauthenticated") {
        log.info({ requestId: meta.requestId, operation: operation.id, reason: error.message }, "bearer token refused");
        return problemResponse(problem, { "www-authenticate": wwwAuthenticate(error) });
      }
      return problemResponse(problem);
    }
  };
}

async function parseRequest(operation: Operation, request: Request, route: RouteContext) {
  const params = operation.params ? parseInput(operation.params, await route.params, "path", "path") : {};
  const url = new URL(request.url);
  const query = operation.query
    ? parseInput(operation.query, Object.fromEntries(url.searchParams), "query", "query")
    : {};
  const ifMatch = request.headers.get("if-match");
  if (operation.ifMatch === "required" && !ifMatch) {
    throw new AppError(
      "precondition_required",
      "This request needs an If-Match header with the ETag you read, so it cannot overwrite a change you have not seen.",
    );
  }
  const body = operation.body ? parseInput(operation.body, await readJson(request), "request body") : undefined;
  return { params, query, body, ifMatch };
}

async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new AppError("bad_request", "The request body must be JSON (Content-Type: application/json).", {
      fields: [{ path: "content-type", message: "must be application/json" }],
    });
  }
  const text = await readLimitedBody(request);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body, which may hold a secret: say only what is wrong.
    throw new AppError("bad_request", "The request body is not valid JSON.", {
      fields: [{ path: "(body)", message: "is not valid JSON" }],
    });
  }
}

function respond(operation: Operation, result: HandlerResult<unknown>, requestId: string): Response {
  const shaped = operation.response.safeParse(result.body);
  if (!shaped.success) {
    // Our own bug: never send a body the contract does not describe.
    throw new Error(`response of ${operation.id} does not match its schema: ${z.prettifyError(shaped.error)}`);
  }
  const headers: Record<string, string> = { "cache-control": "no-store", "x-request-id": requestId };
  if (result.etag) headers.etag = result.etag;
  if (result.location) headers.location = result.location;
  return Response.json(shaped.data, { status: result.status ?? operation.successStatus ?? 200, headers });
}

function isHandlerResult(value: unknown): value is HandlerResult<unknown> {
  return (
    typeof value === "object" &&
    value !== null &&
    "body" in value &&
    Object.keys(value).every((k) => ["body", "status", "etag", "location"].includes(k))
  );
}

/** RFC 6750: no error code when no token was sent; invalid_token (with a reason) otherwise. */
function wwwAuthenticate(error: AppError): string {
  const realm = 'Bearer realm="portcullis"';
  if (error.details.error !== "invalid_token") return realm;
  return `${realm}, error="invalid_token", error_description="${error.message.replace(/["\\]/g, "'")}"`;
}
