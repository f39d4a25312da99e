import { z } from "zod";
import { pageOf, pageQuerySchema } from "../rest/pagination";

const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time, e.g. 2026-11-27T09:00:00Z" });

export const auditFilterSchema = pageQuerySchema.extend({
  actor: z
    .string()
    .trim()
    // Part of a name is looked up by its trigrams (a trigram index); shorter text would scan every event.
    .min(3, "must be at least 3 characters: an object id or part of a name")
    .max(200)
    .optional()
    .describe("Actor object id, or part of the actor's name (at least 3 characters)."),
  action: z
    .string()
    .trim()
    .regex(/^[a-z][a-z.]*\*?$/, "must be an action such as profile.save, or a prefix ending in * such as deployment.*")
    .optional()
    .describe("Exact action, or a prefix ending in *."),
  target: z
    .string()
    .trim()
    .regex(/^[a-z-]+(:.+)?$/, "must be a target type, or type:id, e.g. api:3f2c…")
    .optional()
    .describe("Target type, or type:id."),
  planHash: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{64}$/, "must be a plan hash (64 hexadecimal digits)")
    .optional()
    .describe(
      "Only events about the plan with this content hash: its request, approvals, rejections, expiries, apply.",
    ),
  changeHash: z
    .string()
    .trim()
    .regex(/^[0-9a-f]{64}$/, "must be a change set or settings change hash (64 hexadecimal digits)")
    .optional()
    .describe(
      "Only events about the change set (its setHash) or instance settings change (its changeHash) with this hash: its request, approvals, rejections, expiries, apply.",
    ),
  from: isoTime.optional().describe("Only events at or after this time (UTC)."),
  to: isoTime.optional().describe("Only events before this time (UTC)."),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

export const auditEventSchema = z
  .object({
    seq: z.string().describe("Position in the chain."),
    id: z.string(),
    time: z.string().describe("UTC, ISO 8601."),
    actor: z.object({ type: z.string(), oid: z.string(), tid: z.string().nullable(), name: z.string() }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    before: z.unknown().describe("State before (secrets only as fingerprints)."),
    after: z.unknown().describe("State after (secrets only as fingerprints)."),
    outcome: z.string().describe("success, failure or denied."),
    requestId: z.string().nullable(),
    armCorrelationId: z.string().nullable(),
    clientIp: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string().describe("SHA-256 over the RFC 8785 canonical JSON of every other field."),
  })
  .meta({ id: "AuditEvent" });

export const auditPageSchema = pageOf(auditEventSchema, "AuditEventPage");

export const chainVerificationSchema = z
  .object({
    ok: z.boolean().describe("The chain is unbroken and every signed checkpoint holds."),
    eventsChecked: z.number().int(),
    headHash: z.string().describe("Hash of the last event checked."),
    firstBad: z.object({ seq: z.string(), id: z.string(), reason: z.string() }).optional(),
    checkpoints: z.object({
      checked: z.number().int(),
      lastTrustworthySeq: z
        .string()
        .describe("Events up to this sequence match a checkpoint signed with a trusted key: a rewrite would show."),
      lastSignedAt: z.string().nullable(),
      unsignedEvents: z.number().int().describe("Events after the last trustworthy checkpoint."),
      firstBad: z.object({ seq: z.string(), reason: z.string() }).optional(),
    }),
  })
  .meta({ id: "AuditChainVerification" });

export const signingKeysSchema = z
  .object({
    keys: z
      .array(z.record(z.string(), z.unknown()))
      .describe("Public keys (JWK, RFC 7517) with kid and alg; a checkpoint names its key by kid."),
  })
  .meta({ id: "AuditSigningKeys" });
