import { defineOperation } from "../rest/operation";
import { meSchema } from "./schemas";

/** REST operations about the caller (see lib/rest/operations.ts). */
export const authOperations = {
  getMe: defineOperation({
    id: "getMe",
    method: "GET",
    path: "/me",
    permission: "config.read",
    summary: "The caller's identity and roles",
    tags: ["identity"],
    response: meSchema,
  }),
};
