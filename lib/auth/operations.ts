import { defineOperation } from "../api/operation";
import { meSchema } from "./schemas";

/** REST operations about the caller (see lib/api/operations.ts). */
export const identityOperations = {
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
