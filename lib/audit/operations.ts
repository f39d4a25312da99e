import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { auditFilterSchema, auditPageSchema, chainVerificationSchema, signingKeysSchema } from "./schemas";

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
    description:
      "Recomputes every event's hash in chain order, names the first event that does not fit, checks every signed checkpoint and says up to which sequence the history is proven by a signature.",
    tags: ["audit"],
    response: chainVerificationSchema,
  }),
  exportAuditEvents: defineOperation({
    id: "exportAuditEvents",
    method: "GET",
    path: "/audit/export",
    permission: "audit.read",
    summary: "Download the audit history (NDJSON or CSV), oldest first",
    description:
      "Signs a checkpoint of the head first. NDJSON starts with a header line and the signed checkpoints, then one event per line with every hashed field and the hashes, so `portcullis audit verify` can check it offline.",
    tags: ["audit"],
    query: auditFilterSchema.omit({ cursor: true, limit: true }).extend({
      format: z.enum(["ndjson", "csv"]).default("ndjson").describe("ndjson (verifiable) or csv (spreadsheets)."),
    }),
    download: "application/x-ndjson",
    response: z.string().describe("One JSON event per line (or CSV rows)."),
  }),
  getAuditSigningKeys: defineOperation({
    id: "getAuditSigningKeys",
    method: "GET",
    path: "/audit/signing-key",
    permission: "audit.read",
    summary: "The public keys that verify the audit checkpoints",
    description:
      "A JSON Web Key Set: the current signing key and the earlier ones still trusted. Keep a copy to verify exports offline (`portcullis audit verify FILE --public-key keys.json`).",
    tags: ["audit"],
    response: signingKeysSchema,
  }),
};
