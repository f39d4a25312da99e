import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { requireApiVersion } from "../arm/api-versions";
import { ArmError } from "../arm/arm-error";
import { authenticateRequest, type Authenticate } from "../arm/authenticate-request";
import { authorizationFailed, serverError, throttled } from "../arm/front-door-errors";
import type { RateLimitCounters } from "../arm/rate-limit-headers";
import type { RequestLog } from "../controls/request-log";
import type { FaultPlan, FaultScheduler } from "../faults/fault-scheduler";
import { changeByAnotherWriter } from "../resources/another-writer";
import type { SimulatorContext } from "../resources/arm-exchange";
import { parseArmPath, resourceTypeOf, type ArmTarget } from "../resources/resource-path";
import { handleRoleAssignmentRequest } from "../resources/role-assignments/role-assignment-handlers";
import { parseRoleAssignmentPath } from "../resources/role-assignments/role-assignment-path";
import { routeRequest } from "../resources/route-request";
import { readJsonBody } from "./read-json-body";
import { sendArmResponse, serialiseArmAnswer, type SerialisedAnswer } from "./send-arm-response";

export interface ArmHandlerParts {
  context: SimulatorContext;
  /** The services served beside the first, by lower-case service name. */
  otherServices: ReadonlyMap<string, SimulatorContext>;
  authenticate: Authenticate;
  faults: FaultScheduler;
  requestLog: RequestLog;
  rateLimits: RateLimitCounters;
}

/**
 * One ARM request, in ARM's order: bearer token, path, api-version, body; then the injected
 * faults (latency, a dropped request, 429, 5xx, another writer), the handler, and possibly
 * a dropped response. Role assignments at a model account (Microsoft.Authorization) are
 * answered without faults. Every request ends up in the request log, whatever its fate.
 */
export async function handleArmRequest(
  parts: ArmHandlerParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const { faults, requestLog } = parts;
  let context = parts.context;
  const startedAt = Date.now();
  const arrived = performance.now();
  const method = request.method ?? "GET";
  const ids = { requestId: randomUUID(), correlationId: header(request, "x-ms-correlation-request-id") ?? "" };
  ids.correlationId ||= ids.requestId;
  const ifMatch = header(request, "if-match");
  let plan: FaultPlan | undefined;
  let status: number | null = null;
  let dropped: "request" | "response" | null = null;

  try {
    await authenticateRequest(header(request, "authorization"), parts.authenticate);
    const url = new URL(request.url ?? "/", context.publicOrigin);
    context = servedContext(parts, url.pathname);
    const roleAssignment = parseRoleAssignmentPath(url.pathname, context.service);
    if (roleAssignment !== undefined) {
      // Microsoft.Authorization at a model account: no APIM faults apply to it.
      const answer = await handleRoleAssignmentRequest(context, roleAssignment, {
        method,
        url,
        body: await readJsonBody(request),
      });
      status = answer.status;
      send(parts, response, serialiseArmAnswer(answer), ids, method);
      return;
    }
    const target = parseArmPath(url.pathname, context.service);
    const apiVersion = requireApiVersion(url.searchParams, resourceTypeOf(target));
    // An unread body is drained by Node once the answer is sent, so early refusals are safe.
    const body = await readJsonBody(request);
    plan = faults.decide(method, url.pathname, url.search.slice(1));
    const exchange = { method, url, ifMatch, body, apiVersion };
    // The latency counts from the request's arrival: what the simulator did since (the token, the
    // path, the body, and any wait behind other requests for this one thread) is the service's own
    // work, inside the latency, not added to it (README, "What the latency stands for").
    const latency = plan.latencyMs > 0 ? until(arrived + plan.latencyMs) : undefined;
    // A read that no fault stops is answered from the state it finds on arrival, the answer made
    // while its latency passes (the timer runs already): the latency stands for the whole time ARM
    // takes to answer, the service's own work included (README, "Fault rules"). A write still
    // lands once its latency has passed, so a client that gives up meanwhile finds nothing changed.
    const earlyAnswer =
      plan.terminal === undefined && (method === "GET" || method === "HEAD")
        ? routeRequest(context, target, exchange).then(serialiseArmAnswer)
        : undefined;
    // Its failure (a 404, say) is the answer, sent after the latency like any other.
    earlyAnswer?.catch(() => undefined);
    await latency;
    if (plan.terminal?.kind === "drop") {
      dropped = "request";
      request.socket.destroy();
      return;
    }
    if (plan.terminal?.kind === "forbidden") throw forbiddenError(method, target, url.pathname);
    if (plan.terminal?.kind === "throttle")
      throw throttledError(context, method, target, plan.terminal.retryAfterSeconds);
    if (plan.terminal?.kind === "serverError") throw serverError(plan.terminal.status, plan.terminal.retryAfterSeconds);
    if (plan.concurrentWriteRule !== undefined && (await changeByAnotherWriter(context, target)))
      faults.confirmConcurrentWrite(plan);
    const answer = await (earlyAnswer ?? routeRequest(context, target, exchange).then(serialiseArmAnswer));
    status = answer.answer.status;
    if (plan.dropResponse) {
      dropped = "response";
      request.socket.destroy();
      return;
    }
    send(parts, response, answer, ids, method);
  } catch (error) {
    const armError = asArmError(error);
    status = armError.status;
    send(
      parts,
      response,
      serialiseArmAnswer({ status: armError.status, headers: { ...armError.headers }, body: armError.body() }),
      ids,
      method,
    );
  } finally {
    requestLog.add({
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      method,
      url: request.url ?? "",
      status: dropped === "request" ? null : status,
      dropped,
      ifMatchSent: ifMatch !== undefined,
      ifMatch: ifMatch ?? null,
      requestId: ids.requestId,
      correlationId: ids.correlationId,
      faults: plan?.fired ?? [],
    });
  }
}

/**
 * Resolves once `deadline` (performance.now() ms) has passed. A timer counts from the event loop's
 * time when it was set, which a long turn of the loop leaves behind the clock, so one may fire a
 * little before its delay has passed by the clock: it is set again for what is left.
 */
async function until(deadline: number): Promise<void> {
  for (let left = deadline - performance.now(); left > 0; left = deadline - performance.now())
    await delay(Math.ceil(left));
}

/** The service a path names (…/providers/Microsoft.ApiManagement/service/{name}/…); the first one otherwise. */
function servedContext(parts: ArmHandlerParts, pathname: string): SimulatorContext {
  const serviceName = pathname.split("/")[8];
  if (serviceName === undefined) return parts.context;
  return parts.otherServices.get(safeDecode(serviceName).toLowerCase()) ?? parts.context;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function send(
  parts: ArmHandlerParts,
  response: ServerResponse,
  answer: SerialisedAnswer,
  ids: { requestId: string; correlationId: string },
  method: string,
): void {
  sendArmResponse(response, answer, ids, parts.rateLimits.take(method), method === "HEAD");
}

/** ARM names the throttled operation METHOD/SUBSCRIPTIONS/RESOURCEGROUPS/PROVIDERS/<TYPE PATH>. */
function throttledError(
  context: SimulatorContext,
  method: string,
  target: ArmTarget,
  retryAfterSeconds: number,
): ArmError {
  const operation = `${method}/SUBSCRIPTIONS/RESOURCEGROUPS/PROVIDERS/MICROSOFT.APIMANAGEMENT/${resourceTypeOf(target).toUpperCase()}`;
  return throttled(context.service.subscriptionId, operation, retryAfterSeconds);
}

/** ARM names the refused action `Microsoft.ApiManagement/<type path>/<read|write|delete|action>`. */
function forbiddenError(method: string, target: ArmTarget, scope: string): ArmError {
  const verb = { GET: "read", HEAD: "read", PUT: "write", PATCH: "write", DELETE: "delete" }[method] ?? "action";
  return authorizationFailed(`Microsoft.ApiManagement/${resourceTypeOf(target)}/${verb}`, scope);
}

function asArmError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  console.error("APIM simulator: unexpected error", error);
  return new ArmError(
    500,
    "InternalServerError",
    "The local APIM simulator failed to handle the request; see its log.",
  );
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}
