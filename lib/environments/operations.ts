import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  environmentParamsSchema,
  environmentVariablesInputSchema,
  environmentVariablesSchema,
  promotionInputSchema,
  promotionSchema,
  promotionsInputSchema,
} from "./schemas";
import { changeSetSchema } from "../change-sets/schemas";

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
  promoteAccessProfiles: defineOperation({
    id: "promoteAccessProfiles",
    method: "POST",
    path: "/promotions",
    permission: "config.write",
    summary: "Promote many APIs' access profiles from one instance to another, as one change set",
    description:
      "Each API's current version as written is saved on the same API (by ARM name, or as targetApiIds maps it) of the target instance, its ${name} variables resolved with the target environment's values, and planned; the set is reviewed, approved (once, where the target requires approval) and applied as any change set (GET /change-sets/{id}, POST /change-sets/{id}/apply). 409 variables-missing when the target environment does not set a variable some profile uses, with `apis` naming each API and its missing variables; nothing is saved then. 404 naming each API the target instance does not have.",
    tags: ["environments"],
    body: promotionsInputSchema,
    response: changeSetSchema,
    successStatus: 201,
  }),
};
