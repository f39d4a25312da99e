import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { pageQuerySchema } from "../rest/pagination";
import {
  instanceInputSchema,
  instancePageSchema,
  instanceSchema,
  instanceSettingsInputSchema,
  syncResultSchema,
} from "./schemas";

const instanceParams = z.object({ id: z.guid("must be an instance id") });

/** REST operations of APIM instances (see lib/rest/operations.ts). */
export const instancesOperations = {
  listInstances: defineOperation({
    id: "listInstances",
    method: "GET",
    path: "/instances",
    permission: "config.read",
    summary: "Registered APIM instances",
    tags: ["instances"],
    query: pageQuerySchema,
    response: instancePageSchema,
  }),
  registerInstance: defineOperation({
    id: "registerInstance",
    method: "POST",
    path: "/instances",
    permission: "config.write",
    summary: "Register an APIM instance",
    tags: ["instances"],
    body: instanceInputSchema,
    response: instanceSchema,
    successStatus: 201,
  }),
  getInstance: defineOperation({
    id: "getInstance",
    method: "GET",
    path: "/instances/{id}",
    permission: "config.read",
    summary: "One registered APIM instance",
    tags: ["instances"],
    params: instanceParams,
    response: instanceSchema,
  }),
  updateInstance: defineOperation({
    id: "updateInstance",
    method: "PATCH",
    path: "/instances/{id}",
    permission: "config.write",
    summary: "Change an instance's environment and four-eyes approval settings",
    description:
      "Fields not sent stay as they are. `approvalsRequired` null returns to the environment's default (1 for production, otherwise 0).",
    tags: ["instances"],
    params: instanceParams,
    body: instanceSettingsInputSchema,
    response: instanceSchema,
  }),
  syncInstance: defineOperation({
    id: "syncInstance",
    method: "POST",
    path: "/instances/{id}/sync",
    permission: "config.write",
    summary: "Discover the instance's APIs from APIM",
    description: "Follows every page of APIM's API list; APIs no longer in APIM are kept and marked gone.",
    tags: ["instances"],
    params: instanceParams,
    response: syncResultSchema,
  }),
};
