import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import type { Operation } from "./operation";
import { operations } from "./operations";

const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe("urn:request:<id>; quote it when reporting a problem."),
    code: z.string().describe("Machine-readable error code."),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe("Which input fields are wrong and why."),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details." });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: problemSchema } },
});

function toOpenApi(operation: Operation): ZodOpenApiOperationObject {
  const responses: ZodOpenApiOperationObject["responses"] = {
    [String(operation.successStatus ?? 200)]: {
      description: operation.summary,
      content: { [operation.download ?? "application/json"]: { schema: operation.response } },
      ...(operation.etag
        ? { headers: z.object({ etag: z.string().describe("Version to send back in If-Match.") }) }
        : {}),
    },
    400: problem("The request is not valid; `errors` names each field."),
    401: problem("No valid bearer token."),
    403: problem(`The token's roles do not grant ${operation.permission}.`),
    404: problem("Not found."),
  };
  if (operation.body) responses["413"] = problem("The request body is over 1 MiB.");
  if (operation.ifMatch) {
    responses["412"] = problem("The If-Match ETag is stale: someone changed the resource since you read it.");
    if (operation.ifMatch === "required") responses["428"] = problem("If-Match is required.");
  }
  return {
    operationId: operation.id,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: operation.tags,
    "x-portcullis-permission": operation.permission,
    requestParams: {
      ...(operation.params ? { path: operation.params } : {}),
      ...(operation.query ? { query: operation.query } : {}),
      ...(operation.ifMatch
        ? { header: z.object({ "if-match": operation.ifMatch === "required" ? z.string() : z.string().optional() }) }
        : {}),
    },
    ...(operation.body
      ? { requestBody: { required: true, content: { "application/json": { schema: operation.body } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of /api/v1, generated from the same operations the handlers enforce. */
export function openApiDocument(serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  for (const operation of Object.values(operations) as Operation[]) {
    paths[operation.path] = { ...paths[operation.path], [operation.method.toLowerCase()]: toOpenApi(operation) };
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Portcullis API",
      version: "1.0.0",
      description:
        "Everything the Portcullis console does, for automation. Authenticate with a Microsoft Entra access token for Portcullis's API (client credentials for service principals); the token's app roles decide what you may do.",
    },
    servers: [{ url: `${serverUrl}/api/v1` }],
    security: [{ entra: [] }],
    components: { securitySchemes: { entra: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
    paths,
  });
}
