import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { auditFilterSchema, auditPageSchema, chainVerificationSchema } from "./schemas";

/** REST operations of the audit history (see lib/rest/operations.ts). */
export const auditOperations = {
  listAuditEvents: defineOperation({
    id: "listAuditEvents",
    method: "GET",
    path: "/audit",
    permission: "audit.read",
    summary: "Audit events, newest first",
    description:
      "Filter by actor (object id or part of the name), action (exact or prefix*), target (type or type:id) and time range.",
    tags: ["audit"],
    query: auditFilterSchema,
    response: auditPageSchema,
  }),
  verifyAuditChain: defineOperation({
    id: "verifyAuditChain",
    method: "GET",
    path: "/audit/verify",
    permission: "audit.read",
    summary: "Verify the audit hash chain",
    description: "Recomputes every event's hash in chain order and names the first event that does not fit.",
    tags: ["audit"],
    response: chainVerificationSchema,
  }),
  exportAuditEvents: defineOperation({
    id: "exportAuditEvents",
    method: "GET",
    path: "/audit/export",
    permission: "audit.read",
    summary: "Download the audit history (NDJSON or CSV), oldest first",
    description: "NDJSON lines carry every hashed field and the hashes, so the export can be verified offline.",
    tags: ["audit"],
    query: auditFilterSchema.omit({ cursor: true, limit: true }).extend({
      format: z.enum(["ndjson", "csv"]).default("ndjson").describe("ndjson (verifiable) or csv (spreadsheets)."),
    }),
    download: "application/x-ndjson",
    response: z.string().describe("One JSON event per line (or CSV rows)."),
  }),
};
