import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  environmentParamsSchema,
  environmentVariablesInputSchema,
  environmentVariablesSchema,
  promotionInputSchema,
  promotionSchema,
} from "./schemas";

/** REST operations of environments and promotion (see lib/rest/operations.ts). */
export const environmentsOperations = {
  getEnvironmentVariables: defineOperation({
    id: "getEnvironmentVariables",
    method: "GET",
    path: "/environments/{name}/variables",
    permission: "config.read",
    summary: "The variables an environment sets for profiles' ${name} references",
    tags: ["environments"],
    params: environmentParamsSchema,
    response: environmentVariablesSchema,
  }),
  putEnvironmentVariables: defineOperation({
    id: "putEnvironmentVariables",
    method: "PUT",
    path: "/environments/{name}/variables",
    permission: "config.write",
    summary: "Replace every variable of an environment",
    description:
      "Values are names and identifiers, never secrets (a value that looks like a key is refused). Saved profile versions keep the values they were resolved with; new values apply to the next save or promotion.",
    tags: ["environments"],
    params: environmentParamsSchema,
    body: environmentVariablesInputSchema,
    response: environmentVariablesSchema,
  }),
  promoteAccessProfile: defineOperation({
    id: "promoteAccessProfile",
    method: "POST",
    path: "/apis/{id}/promotions",
    permission: "config.write",
    summary: "Promote the API's access profile to the same API on another instance, and plan it there",
    description:
      "Saves the current version as written on the target API (the one with the same ARM name unless targetApiId is given), its ${name} variables resolved with the target environment's values, and creates the target's plan (its approvals apply as for any plan). 409 variables-missing, with missingVariables naming each variable and the fields that use it, when the target environment does not set them all; nothing is saved then.",
    tags: ["environments"],
    params: z.object({ id: z.guid("must be an API id") }),
    body: promotionInputSchema,
    response: promotionSchema,
    successStatus: 201,
  }),
};
