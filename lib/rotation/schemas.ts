import { z } from "zod";
import { pageOf } from "../rest/pagination";
import { secretValueSchema } from "../secrets/schemas";

/*
 * A rotation is known by names, fingerprints, plan/deployment/verification ids and statuses.
 * There is deliberately no field that could hold a key.
 */

export const ROTATION_STATUSES = [
  "planned",
  "applying",
  "applied",
  "failed",
  "rollback_planning",
  "rollback_planned",
  "rolled_back",
  "completed",
] as const;
export type RotationStatus = (typeof ROTATION_STATUSES)[number];

/** At most 30 days: a rotated-out key kept longer is a key nobody remembers to delete. */
export const graceMinutesSchema = z
  .number({ error: "must be a number of minutes" })
  .int("must be a whole number of minutes")
  .min(0, "must not be negative")
  .max(43_200, "must be at most 43200 (30 days)")
  .describe(
    "Minutes the old named value is kept (and roll back possible) after the apply; default ROTATION_GRACE_MINUTES (24 h).",
  );

export const startRotationBodySchema = z.strictObject({
  value: secretValueSchema.describe(
    "The new key. Write-only: it goes to a new APIM named value and nowhere else (never stored, logged or audited).",
  ),
  graceMinutes: graceMinutesSchema.optional(),
});
export const startRotationInputSchema = startRotationBodySchema.extend({ secretId: z.string() });
export const rotationIdInputSchema = z.strictObject({ secretId: z.string(), rotationId: z.string() });

export const rotationPolicyBodySchema = z.strictObject({
  intervalDays: z
    .number({ error: "must be a number of days, or null for no policy" })
    .int("must be a whole number of days")
    .min(1, "must be at least 1")
    .max(3650, "must be at most 3650")
    .nullable()
    .describe("Rotate the key every this many days (the secret shows as due after that); null: no policy."),
});
export const rotationPolicyInputSchema = rotationPolicyBodySchema.extend({ secretId: z.string() });

/** One API whose profile a rotation (or its roll back) switches, and the plan that does it. */
export const rotationPlanEntrySchema = z.object({
  apiId: z.string(),
  apimName: z.string(),
  planId: z.string(),
  profileVersion: z.number().int(),
  summary: z.string(),
  empty: z.boolean(),
  blocked: z.boolean(),
});
export type RotationPlanEntry = z.output<typeof rotationPlanEntrySchema>;

export const rotationDeploymentEntrySchema = z.object({
  apiId: z.string(),
  planId: z.string(),
  deploymentId: z.string(),
  status: z.string(),
});
export type RotationDeploymentEntry = z.output<typeof rotationDeploymentEntrySchema>;

export const rotationVerificationEntrySchema = z.object({
  apiId: z.string(),
  verificationId: z.string(),
  status: z.string().describe("proven, unproven, failed or error (lib/verification)."),
  summary: z.string(),
});
export type RotationVerificationEntry = z.output<typeof rotationVerificationEntrySchema>;

export const rotationSchema = z
  .object({
    id: z.string(),
    secretId: z.string(),
    instanceId: z.string(),
    status: z
      .enum(ROTATION_STATUSES)
      .describe(
        "planned → applied (grace period) → completed (old named value deleted); applied → rollback_planned → rolled_back; failed: the last apply did not finish, apply again.",
      ),
    oldNamedValue: z.object({ name: z.string(), fingerprint: z.string().nullable() }),
    newNamedValue: z.object({ name: z.string(), fingerprint: z.string() }),
    plans: z.array(rotationPlanEntrySchema).describe("The switch of every profile reference to the new named value."),
    rollbackPlans: z.array(rotationPlanEntrySchema).nullable().describe("The switch back, once a roll back was asked."),
    deployments: z.array(rotationDeploymentEntrySchema).describe("The last apply's deployments."),
    verifications: z.array(rotationVerificationEntrySchema).describe("Gateway verifications after the last apply."),
    graceMinutes: z.number().int(),
    appliedAt: z.string().nullable(),
    retiredNamedValue: z.string().nullable().describe("The named value no reference uses any more, to be deleted."),
    deleteAfter: z.string().nullable().describe("When the scheduled clean-up deletes the retired named value."),
    deletedAt: z.string().nullable(),
    canApply: z.boolean(),
    canRollBack: z.boolean(),
    error: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: "SecretRotation" });
export type RotationView = z.output<typeof rotationSchema>;

export const rotationPageSchema = pageOf(rotationSchema, "SecretRotationPage");
