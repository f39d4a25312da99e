import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { accessMatrixQuerySchema, accessMatrixSchema, clientApplicationAccessSchema } from "./matrix-schemas";
import { accessCheckInputSchema, accessCheckSchema, effectiveAccessSchema } from "./schemas";

const apiParams = z.object({ id: z.guid("must be an API id") });
const instanceParams = z.object({ id: z.guid("must be an instance id") });

const matrixDescription =
  "Reads every policy scope of the instance from APIM now (global, products, APIs, operations, named values, backends; nothing is stored) and composes, per API and per product path, what APIM really runs: who is let in and how APIM authenticates to the backend. A scope APIM refuses is listed as unreadable with ARM's status and request ids, and the conclusions it prevents are named.";

/** REST operations of effective access: one API, its token what-if, an instance and a client application (see lib/rest/operations.ts). */
export const accessOperations = {
  getEffectiveAccess: defineOperation({
    id: "getEffectiveAccess",
    method: "GET",
    path: "/apis/{id}/effective-access",
    permission: "config.read",
    summary: "What access the API really grants, across the global, product, API and operation policies",
    description:
      "Reads every scope from APIM now (scopes are not stored; readFrom/readTo say when). Per path (each product holding the API, and no product): the statements that decide access and the backend call, the findings, and what could not be concluded. A scope ARM refuses is listed under unreadable with ARM's status and request ids.",
    tags: ["access"],
    params: apiParams,
    response: effectiveAccessSchema,
  }),
  checkAccess: defineOperation({
    id: "checkAccess",
    method: "POST",
    path: "/apis/{id}/access-checks",
    permission: "config.read",
    summary: "Token what-if: would APIM let this token (or these claims) call the API?",
    description:
      "The token's signature is NOT checked. The token and claims are never stored or logged; the check is audited (who, which API, the decision). A malformed token or claims object is a 400 naming what is wrong, without repeating it.",
    tags: ["access"],
    params: apiParams,
    body: accessCheckInputSchema,
    response: accessCheckSchema,
  }),
  getAccessMatrix: defineOperation({
    id: "getAccessMatrix",
    method: "GET",
    path: "/instances/{id}/access-matrix",
    permission: "config.read",
    summary: "Who can call each API of an instance, across every policy scope",
    description: matrixDescription,
    tags: ["access"],
    params: instanceParams,
    query: accessMatrixQuerySchema,
    response: accessMatrixSchema,
  }),
  exportAccessMatrix: defineOperation({
    id: "exportAccessMatrix",
    method: "GET",
    path: "/instances/{id}/access-matrix/export",
    permission: "config.read",
    summary: "Download the access matrix of an instance as CSV",
    description: `${matrixDescription} One line per API and product path; cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with an apostrophe.`,
    tags: ["access"],
    params: instanceParams,
    query: accessMatrixQuerySchema,
    download: "text/csv",
    response: z.string().describe("CSV with a header line."),
  }),
  getClientApplicationAccess: defineOperation({
    id: "getClientApplicationAccess",
    method: "GET",
    path: "/client-applications/{appId}/access",
    permission: "config.read",
    summary: "Which APIs a client application can call, across every registered instance",
    description:
      "Reads each instance's access matrix now and lists the paths whose token validation names the application, accepts any application of its issuer, or checks nobody at all. Paths that need only a subscription key are not listed: whoever holds the key can call them.",
    tags: ["access"],
    params: z.object({ appId: z.guid("must be an application (client) id") }),
    query: z.object({ instanceId: z.guid("must be an instance id").optional().describe("Only this instance.") }),
    response: clientApplicationAccessSchema,
  }),
};
