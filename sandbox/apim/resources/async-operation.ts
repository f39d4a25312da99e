import type { ArmError } from "../arm/arm-error";
import type { ArmRequest, ArmResponse, SimulatorContext } from "./arm-exchange";

/**
 * APIM's answer to an asynchronous write: 202, an empty body and only a `Location` — the
 * entity URL plus `asyncId` and `asyncCode` (the status the final poll will answer) —
 * as recorded in recordings/azure-cli__test_apim_named_value.yaml. For an action such as
 * `…/refreshSecret` the Location is the entity's URL, whose GET answers the result.
 */
export function accepted(
  context: SimulatorContext,
  request: ArmRequest,
  asyncCode: 200 | 201,
  operation: { apiKey?: string; failure?: ArmError; entityPath?: string } = {},
): ArmResponse {
  const { entityPath = request.url.pathname, ...started } = operation;
  const asyncId = context.lro.start(started);
  const location = `${context.publicOrigin}${entityPath}?api-version=${request.apiVersion}&asyncId=${asyncId}&asyncCode=${asyncCode}`;
  return { status: 202, headers: { Location: location, ...retryAfter(context) } };
}

/**
 * A GET or HEAD of an entity — or, when the URL carries `asyncId`, a poll of an operation
 * started by `accepted`: 202 again while it runs, its failure, or `answer` with the status
 * `asyncCode` names (201 for a create, 200 otherwise).
 */
export function answerGetOrPoll(
  context: SimulatorContext,
  request: ArmRequest,
  answer: (status: 200 | 201) => ArmResponse,
): ArmResponse {
  if (request.method !== "GET" || !request.url.searchParams.has("asyncId")) return answer(200);
  const outcome = context.lro.poll(request.url.searchParams.get("asyncId") ?? "");
  if (outcome.running) {
    return {
      status: 202,
      headers: {
        Location: `${context.publicOrigin}${request.url.pathname}${request.url.search}`,
        ...retryAfter(context),
      },
    };
  }
  if (outcome.failure !== undefined) throw outcome.failure;
  return answer(request.url.searchParams.get("asyncCode") === "201" ? 201 : 200);
}

function retryAfter(context: SimulatorContext): Record<string, string> {
  const seconds = context.lro.settings.retryAfterSeconds;
  return seconds === undefined ? {} : { "Retry-After": String(seconds) };
}
