import { meSchema } from "../auth/schemas";
import { defineOperation } from "./operation";

/**
 * Every /api/v1 operation. Route handlers enforce these; openapi.json publishes them.
 * Keys are operation ids.
 */
export const operations = {
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

export type OperationId = keyof typeof operations;
