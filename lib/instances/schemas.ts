import { z } from "zod";
import { effectiveApprovalsRequired } from "../deployments/approval/approval-rules";
import { planApprovalSchema } from "../deployments/schemas";
import { pageOf } from "../rest/pagination";
import { allowLineBreaks } from "../validation";

/** ARM coordinates of an APIM service (naming rules from the ARM specification). */
export const instanceInputSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(100, "must be at most 100 characters")
    .describe("A name for this instance in Portcullis, e.g. prod-westeurope."),
  subscriptionId: z.guid("must be the Azure subscription id, a GUID").describe("Azure subscription id."),
  resourceGroup: z
    .string()
    .min(1, "must not be empty")
    .max(90, "must be at most 90 characters")
    .regex(/^[-\w._()]+$/, "may contain only letters, digits, '-', '_', '.', '(' and ')'")
    .refine((v) => !v.endsWith("."), "must not end with a period")
    .describe("Resource group of the APIM service."),
  serviceName: z
    .string()
    .min(1, "must not be empty")
    .max(50, "must be at most 50 characters")
    .regex(
      /^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
      "must start with a letter, contain only letters, digits and '-', and not end with '-'",
    )
    .describe("APIM service name."),
  armEndpoint: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .default("https://management.azure.com")
    .transform((v) => new URL(v).origin)
    .describe(
      "Azure Resource Manager endpoint of the service's cloud: https://management.azure.com (public), https://management.usgovcloudapi.net (US Government) or https://management.chinacloudapi.cn (China); others only when the server allows them (ARM_ENDPOINTS_ALLOWED).",
    ),
  tier: z
    .enum(["Consumption", "Developer", "Basic", "Standard", "Premium", "BasicV2", "StandardV2", "PremiumV2"])
    .default("Developer")
    .describe("APIM tier; Consumption limits policies to 16 KiB instead of 256 KiB."),
});

/** development, test, production, or another name an estate uses. */
export const environmentSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, "must be development, test, production or another lowercase name (a-z, 0-9, -)")
  .describe(
    "The instance's stage: development, test, production or another name; production needs approvals by default.",
  );

/** The four-eyes settings of an instance, as PATCH /instances/{id} changes them; absent fields stay as they are. */
export const instanceSettingsInputSchema = z
  .strictObject({
    environment: environmentSchema.nullable().optional().describe("null: not set."),
    approvalsRequired: z
      .union([z.literal(0), z.literal(1), z.literal(2)], { error: "must be 0, 1 or 2, or null" })
      .nullable()
      .optional()
      .describe(
        "Approvals by admins other than the author an apply needs: 0 (none), 1 or 2; null: the environment's default (1 for production, otherwise 0).",
      ),
    automationApprovers: z
      .boolean()
      .optional()
      .describe("Whether an approval by automation (a client-credentials caller) counts."),
    approvalLifetimeHours: z
      .number()
      .int("must be a whole number of hours")
      .min(1, "must be at least 1 hour")
      .max(720, "must be at most 720 hours (30 days)")
      .optional()
      .describe("How long an approval counts; 24 by default."),
  })
  .refine((input) => Object.keys(input).length > 0, "must change at least one setting");

export const instanceSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    serviceName: z.string(),
    armEndpoint: z.string(),
    tier: z.string(),
    createdAt: z.string(),
    lastSyncedAt: z.string().nullable(),
    gatewayUrl: z
      .string()
      .nullable()
      .describe("Where verification sends probes instead of the gateway URL ARM reports; null: ARM's."),
    verifyAfterApply: z.boolean().describe("Whether every successful apply is followed by a verification of its API."),
    environment: z.string().nullable(),
    approvals: z
      .object({
        required: z.number().int().describe("Approvals an apply needs now; 0: applies need no approval."),
        setting: z
          .number()
          .int()
          .nullable()
          .describe("As set; null: the environment's default (1 for production, otherwise 0)."),
        automationApprovers: z.boolean(),
        lifetimeHours: z.number().int(),
      })
      .describe("Four-eyes approval of applies on this instance."),
  })
  .meta({ id: "Instance" });

export type InstanceView = z.output<typeof instanceSchema>;

export function toInstanceView(row: {
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  armEndpoint: string;
  tier: string;
  createdAt: Date;
  lastSyncedAt: Date | null;
  gatewayUrl: string | null;
  verifyAfterApply: boolean;
  environment: string | null;
  approvalsRequired: number | null;
  automationApprovers: boolean;
  approvalLifetimeHours: number;
}): InstanceView {
  const { approvalsRequired, automationApprovers, approvalLifetimeHours, ...rest } = row;
  return {
    ...rest,
    createdAt: row.createdAt.toISOString(),
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    approvals: {
      required: effectiveApprovalsRequired(row),
      setting: approvalsRequired,
      automationApprovers,
      lifetimeHours: approvalLifetimeHours,
    },
  };
}

export const instancePageSchema = pageOf(instanceSchema, "InstancePage");

export const syncResultSchema = z
  .object({
    instance: instanceSchema,
    added: z.number().int(),
    updated: z.number().int(),
    gone: z.number().int().describe("APIs no longer in APIM (kept, marked gone)."),
    total: z.number().int(),
  })
  .meta({ id: "SyncResult" });

const fourEyesSettingsSchema = z.object({
  environment: z.string().nullable(),
  approvalsRequired: z.number().int().nullable().describe("As set; null: the environment's default."),
  automationApprovers: z.boolean(),
  approvalLifetimeHours: z.number().int(),
});

/**
 * A change that lowers an instance's four-eyes protection, held until admins other than its
 * author approve it (as many as the instance's applies need now, under the plan approval rules).
 */
export const instanceSettingsChangeSchema = z
  .object({
    id: z.guid(),
    instance: z.object({ id: z.guid(), name: z.string() }),
    hash: z.string().describe("SHA-256 of (instance, before, after): an approval is bound to it."),
    status: z
      .enum(["pending", "applied", "rejected", "superseded", "expired"])
      .describe(
        "superseded: another settings change was asked for or applied first; expired: not approved within the instance's approval lifetime.",
      ),
    before: fourEyesSettingsSchema.describe("The settings when the change was asked for."),
    after: fourEyesSettingsSchema.describe("The settings once it is applied."),
    lowers: z.array(z.string()).describe("What it lowers, in words."),
    requestedBy: z.object({ type: z.enum(["user", "app"]), oid: z.string(), name: z.string() }),
    ownChange: z.boolean().describe("Whether the caller asked for it (and so cannot approve it)."),
    createdAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
    expiresAt: z.iso.datetime().describe("When it expires unless approved before."),
    approval: planApprovalSchema.describe("Its approvals, counted like a plan's."),
  })
  .meta({ id: "InstanceSettingsChange" });

export type InstanceSettingsChangeView = z.output<typeof instanceSettingsChangeSchema>;

export const instanceSettingsChangesSchema = z
  .object({ items: z.array(instanceSettingsChangeSchema) })
  .meta({ id: "InstanceSettingsChanges" });

export const settingsChangeIdSchema = z.guid("must be a settings change id");

const reviewedChangeHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a change hash (64 hexadecimal digits)")
  .optional()
  .describe("The hash of the change you reviewed: refused (409) when it is not that change's.");

export const settingsChangeApprovalInputSchema = z
  .strictObject({ changeHash: reviewedChangeHash })
  .meta({ id: "InstanceSettingsChangeApprovalInput" });

export const settingsChangeRejectionInputSchema = z
  .strictObject({
    reason: allowLineBreaks(
      z.string({
        error: (issue) => (issue.input === undefined ? "must say why the change is rejected" : "must be a string"),
      }),
    )
      .trim()
      .min(1, "must say why the change is rejected")
      .max(2000, "must be at most 2000 characters"),
    changeHash: reviewedChangeHash,
  })
  .meta({ id: "InstanceSettingsChangeRejectionInput" });
