import { z } from "zod";
import { pageOf, pageQuerySchema } from "../rest/pagination";
import { PROBE_KINDS } from "./probe-kinds";

/**
 * The shapes of verifications: what the use cases return, what the JSON columns hold and (from
 * the same schemas) the REST API's OpenAPI. Never a token, a key or a response body.
 */

export const probeExpectationSchema = z
  .object({
    decision: z.enum(["allowed", "denied"]).describe("allowed: the call reaches the model (2xx)."),
    status: z.number().int().nullable().describe("The status a denial answers; null when it cannot be known."),
    by: z.string().nullable().describe("The statement that decides, in words."),
    because: z.array(z.string()).describe("The what-if evaluator's reasons."),
  })
  .meta({ id: "ProbeExpectation" });

export const probeSchema = z
  .object({
    seq: z.number().int().min(1),
    kind: z.enum(PROBE_KINDS),
    caller: z.string().nullable().describe("Whose token the probe sent, in words (never the token)."),
    outcome: z
      .enum(["passed", "failed", "not_probed", "error"])
      .describe(
        "not_probed: no honest token for it (see detail); error: the gateway could not be reached or limited us.",
      ),
    expected: probeExpectationSchema.nullable(),
    actualStatus: z.number().int().nullable(),
    latencyMs: z.number().int().nullable(),
    gatewayRequestId: z.string().nullable().describe("The request id the gateway answered with (apim-request-id)."),
    detail: z.string().nullable().describe("Why it failed (the likely cause), or why it was not probed."),
  })
  .meta({ id: "VerificationProbe" });

export const verificationTargetSchema = z
  .object({
    method: z.string(),
    path: z.string().describe("Below the gateway URL, query included."),
    operationId: z.string(),
    productId: z.string().nullable(),
  })
  .meta({ id: "VerificationTarget" });

export const VERIFICATION_STATUSES = ["proven", "unproven", "failed", "error"] as const;

export const verificationSchema = z
  .object({
    id: z.guid(),
    apiId: z.guid(),
    status: z
      .enum(VERIFICATION_STATUSES)
      .describe(
        "proven: every probe answered as configured and an allowed client reached the model; unproven: nothing failed but not everything could be proven; failed: a probe got another answer; error: the probes could not run.",
      ),
    summary: z.string(),
    gatewayUrl: z.string().nullable(),
    target: verificationTargetSchema.nullable(),
    notes: z.array(z.string()),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    startedBy: z.string(),
    probes: z.array(probeSchema),
  })
  .meta({ id: "Verification" });

export type VerificationView = z.infer<typeof verificationSchema>;
export type ProbeView = z.infer<typeof probeSchema>;
export type VerificationTarget = z.infer<typeof verificationTargetSchema>;

export const verificationPageSchema = pageOf(verificationSchema, "VerificationPage");
export const verificationListQuerySchema = pageQuerySchema;

export const verifyApiInputSchema = z
  .strictObject({
    operationId: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe("The operation to probe; default: the API's chat completions operation (or its first POST)."),
    deployment: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "must be a model deployment name (letters, digits, '.', '_', '-')")
      .optional()
      .describe("The model deployment (and `model`) the probes name; default gpt-4o."),
  })
  .meta({ id: "VerifyApiInput" });

export const verificationBatchSchema = z
  .object({
    id: z.guid(),
    instanceId: z.guid(),
    total: z.number().int().describe("APIs to verify."),
    done: z.number().int().describe("APIs verified so far."),
    concurrency: z.number().int(),
    counts: z.record(z.enum(VERIFICATION_STATUSES), z.number().int()).describe("Verified APIs by status."),
    finished: z.boolean(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    startedBy: z.string(),
    items: z
      .array(
        z.object({
          apiId: z.guid(),
          apimName: z.string(),
          displayName: z.string(),
          verificationId: z.guid(),
          status: z.enum(VERIFICATION_STATUSES),
          summary: z.string(),
        }),
      )
      .describe("The APIs verified so far, failures first."),
  })
  .meta({ id: "VerificationBatch" });

export type VerificationBatchView = z.infer<typeof verificationBatchSchema>;

export const verifyInstanceInputSchema = z
  .strictObject({
    concurrency: z
      .number()
      .int()
      .min(1, "must be at least 1")
      .max(16, "must be at most 16")
      .optional()
      .describe("APIs verified at the same time (default 4); the probe budget per gateway still applies."),
  })
  .meta({ id: "VerifyInstanceInput" });

export const verificationSettingsInputSchema = z
  .strictObject({
    gatewayUrl: z
      .string()
      .trim()
      .max(2048, "must be at most 2048 characters")
      .nullable()
      .describe(
        "Where probes go instead of the gateway URL ARM reports: https://, at a gateway the service itself reports in ARM (a regional gateway, a custom domain) or an origin listed in VERIFY_GATEWAYS_ALLOWED (a self-hosted gateway); null for ARM's.",
      ),
    verifyAfterApply: z.boolean().describe("Verify an API after every successful apply to it."),
  })
  .meta({ id: "VerificationSettingsInput" });
