import { openApiDocument } from "@/lib/rest/openapi-document";
import { getConfig } from "@/lib/env";

/** Public by design (ROUTE_ACCESS): the API contract reveals no data. */
export function GET(): Response {
  return Response.json(openApiDocument(getConfig().appUrl));
}
