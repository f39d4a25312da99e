import { recordAuditEvent } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { checkToken, composeEffectivePipeline, readTokenInput } from "../policy";
import { callInput, scopeReadSummary } from "./api-access-paths";
import { refView, unreadableView } from "./effective-access-view";
import { readApiAccess } from "./read-api-access";
import type { AccessCheckInput, AccessCheckView } from "./schemas";

/**
 * Token what-if: what APIM would decide for a token (its signature NOT checked) or a claims object
 * calling the API through a product (or none) to an operation at an instant, read from APIM now.
 * The token and the claims are never stored, logged or audited; the check is audited with who
 * asked, which API and the decision. A malformed token or claims object is a 400 that says what
 * is wrong without repeating it.
 */
export async function checkAccess(
  ctx: RequestContext,
  input: { apiId: string } & AccessCheckInput,
): Promise<AccessCheckView> {
  await authorize(ctx, "config.read");
  const at = input.at === undefined ? new Date() : new Date(input.at);
  const field = input.token !== undefined ? "token" : "claims";
  const tokenInput = input.token !== undefined ? { token: input.token } : { claims: input.claims };
  // Before anything is read: a malformed token costs no ARM call.
  const reading = readTokenInput(tokenInput);
  if (!reading.ok) throw badToken(field, reading.message);
  const read = await readApiAccess(ctx, input.apiId);
  const call = callInput(read.api.apimName, read.scopes, read.context, {
    productName: input.productId ?? null,
    operationName: input.operationId ?? null,
  });
  if (!call.ok)
    throw new AppError("bad_request", `${call.field}: ${call.message}.`, {
      fields: [{ path: call.field, message: call.message }],
    });
  const pipeline = composeEffectivePipeline(call.input);
  const result = checkToken(pipeline, { ...tokenInput, at }, call.facts);
  if (!result.ok) throw badToken(field, result.error);
  const ref = (statement: Parameters<typeof refView>[1]) => refView(pipeline, statement);
  const refusal = <R extends { mayBeChangedBy: Parameters<typeof refView>[1][] } | null>(response: R) =>
    response === null ? null : { ...response, mayBeChangedBy: response.mayBeChangedBy.map(ref) };
  const backendCall = (call: typeof result.backendCall) =>
    call === null
      ? null
      : {
          target: call.target,
          credentials: call.credentials.map((credential) => ({
            ...credential,
            setBy: credential.setBy === null ? null : ref(credential.setBy),
          })),
        };
  const reads = scopeReadSummary(read.scopes, read.context);
  const view: AccessCheckView = {
    apiId: read.api.id,
    productId: call.product?.name ?? null,
    operationId: call.operation?.name ?? null,
    at: result.at,
    decision: result.decision,
    decidedBy: result.decidedBy === null ? null : ref(result.decidedBy),
    response: refusal(result.response),
    backendCall: backendCall(result.backendCall),
    signature: result.signature,
    summary: result.summary,
    assumptions: result.assumptions,
    steps: result.steps.map((step) => ({ ...step, statement: ref(step.statement) })),
    outcomes: result.outcomes.map((outcome) => ({
      decision: outcome.decision,
      decidedBy: outcome.decidedBy === null ? null : ref(outcome.decidedBy),
      response: refusal(outcome.response),
      backendCall: backendCall(outcome.backendCall),
      when: outcome.when,
    })),
    readAt: reads.readTo,
    unreadable: reads.unreadable.map(unreadableView),
  };
  // Who asked, about which call, and the decision: never the token or a claim.
  await recordAuditEvent(getDb(), {
    actor: ctx.actor,
    action: "access.check",
    target: { type: "api", id: read.api.id },
    after: {
      input: input.token !== undefined ? "token" : "claims",
      productId: view.productId,
      operationId: view.operationId,
      at: view.at,
      decision: view.decision,
      decidedBy: view.decidedBy,
      status: view.response?.status ?? null,
    },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  return view;
}

/** Names what is wrong with the token or claims; the messages never repeat them. */
function badToken(field: "token" | "claims", message: string): AppError {
  return new AppError(
    "bad_request",
    `The ${field === "token" ? "token" : "claims object"} cannot be checked: ${message}.`,
    {
      fields: [{ path: field, message }],
    },
  );
}
