import { fieldError } from "../arm/apim-errors";
import { parsePageRequest, toCollection } from "../arm/paging";
import type { ArmRequest, ArmResponse, SimulatorContext } from "./arm-exchange";

/**
 * A collection GET: `{ value, count, nextLink }`, one page rendered. `$filter` is refused
 * rather than ignored, so a client never mistakes an unfiltered list for a filtered one.
 */
export function listResponse<T>(
  context: SimulatorContext,
  request: ArmRequest,
  records: readonly T[],
  render: (record: T) => object,
): ArmResponse {
  if (request.url.searchParams.has("$filter")) {
    // Invented: the simulator does not evaluate OData filters (README.md).
    throw fieldError("$filter", "The local APIM simulator does not support $filter.");
  }
  const page = parsePageRequest(request.url.searchParams, context.pageSize);
  const collection = toCollection(records, page, request.url, context.publicOrigin);
  return { status: 200, body: { ...collection, value: collection.value.map(render) } };
}
