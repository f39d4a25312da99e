import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { apiListQuerySchema, apiPageSchema, apiSchema } from "./schemas";

/** REST operations of APIs (see lib/rest/operations.ts). */
export const apisOperations = {
  listApis: defineOperation({
    id: "listApis",
    method: "GET",
    path: "/apis",
    permission: "config.read",
    summary: "APIs discovered from the registered instances",
    tags: ["apis"],
    query: apiListQuerySchema,
    response: apiPageSchema,
  }),
  getApi: defineOperation({
    id: "getApi",
    method: "GET",
    path: "/apis/{id}",
    permission: "config.read",
    summary: "One API with its current profile version and last deployment",
    tags: ["apis"],
    params: z.object({ id: z.guid("must be an API id") }),
    response: apiSchema,
  }),
};
