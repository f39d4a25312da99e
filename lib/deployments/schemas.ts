import { z } from "zod";
import { pageOf, pageQuerySchema } from "../rest/pagination";
import { planAccessCheckSchema } from "../access/schemas";
import { accessProfileSchema } from "../policy";
import { allowLineBreaks } from "../validation";

/**
 * The shapes of plans, deployments and drift reports: what the database keeps in the JSON
 * columns, what the use cases return, and (from the same schemas) the REST API's OpenAPI.
 * None of them ever holds a secret value: named values appear by name and fingerprint, backend
 * header values only as `{{named value}}` references (anything else is hidden).
 */

const etag = z.string().describe("An ETag exactly as APIM sent it, quotes included.");
const expectedEtag = z
  .object({ etag })
  .describe("Sent as If-Match: the write succeeds only if the entity still has this ETag.");
const absent = z.literal("absent").describe("The plan saw no such entity: a create, sent without If-Match.");

export const managedBackendFieldsSchema = z
  .object({
    url: z.string(),
    protocol: z.string(),
    credentials: z
      .record(z.string(), z.unknown())
      .describe("header → [{{named value}}] or managedIdentity {resource, clientId?}."),
  })
  .describe("The backend fields an access profile decides; every other field of the backend is kept as APIM has it.")
  .meta({ id: "ManagedBackendFields" });

const seq = z.number().int().min(1).describe("Order of execution, from 1.");

/** One ARM write of a plan, with the ETag the plan read and the desired body. */
export const planOperationSchema = z
  .discriminatedUnion("kind", [
    z.object({
      seq,
      kind: z.literal("backend.create"),
      target: z.string().describe("Backend id."),
      expected: absent,
      backend: managedBackendFieldsSchema,
    }),
    z.object({
      seq,
      kind: z.literal("backend.update"),
      target: z.string(),
      expected: expectedEtag,
      backend: managedBackendFieldsSchema,
    }),
    z.object({
      seq,
      kind: z.literal("policy.create"),
      target: z.string().describe("The API's ARM name."),
      expected: absent,
      xml: z.string(),
    }),
    z.object({ seq, kind: z.literal("policy.update"), target: z.string(), expected: expectedEtag, xml: z.string() }),
    z.object({ seq, kind: z.literal("backend.delete"), target: z.string(), expected: expectedEtag }),
  ])
  .meta({ id: "PlanOperation" });

export type PlanOperation = z.output<typeof planOperationSchema>;
/** An operation before it gets its place in the plan. */
export type UnsequencedOperation = PlanOperation extends infer O
  ? O extends PlanOperation
    ? Omit<O, "seq">
    : never
  : never;

const fieldChangeSchema = z
  .object({ path: z.string(), before: z.unknown(), after: z.unknown() })
  .meta({ id: "FieldChange" });

const hunkSchema = z
  .object({
    beforeStart: z.number().int(),
    afterStart: z.number().int(),
    lines: z.array(z.object({ op: z.enum(["context", "removed", "added"]), text: z.string() })),
  })
  .meta({ id: "DiffHunk" });

const lintFindingSchema = z
  .object({
    code: z.string(),
    severity: z.enum(["error", "warning"]),
    message: z.string(),
    line: z.number().int(),
    column: z.number().int(),
  })
  .meta({ id: "LintFinding" });

/** What a person reads before applying: policy before/after, backend field changes, named values by fingerprint. */
export const planDiffSchema = z
  .object({
    summary: z.string(),
    policy: z.object({
      changed: z.boolean(),
      before: z.string().nullable().describe("The policy as APIM holds it; null when the API has none."),
      after: z.string().nullable().describe("The policy after the apply; null when the API keeps having none."),
      hunks: z.array(hunkSchema),
    }),
    backends: z.array(
      z.object({
        backendId: z.string(),
        action: z.enum(["create", "update", "delete", "unchanged", "kept"]),
        changes: z.array(fieldChangeSchema),
        note: z.string().nullable(),
      }),
    ),
    namedValues: z.array(
      z.object({
        displayName: z.string().describe("As the policy references it: {{displayName}}."),
        namedValueId: z.string(),
        secret: z.boolean(),
        keyVaultSecretId: z.string().nullable(),
        fingerprint: z
          .string()
          .nullable()
          .describe("HMAC fingerprint of the value Portcullis set, when it set one; never the value."),
      }),
    ),
    lint: z.object({
      findings: z.array(lintFindingSchema),
      blocking: z.boolean().describe("True when a finding is an error: the plan cannot be applied."),
    }),
    effectiveAccess: planAccessCheckSchema
      .nullable()
      .default(null)
      .describe("The effective access the plan would leave; null for plans made before it was checked."),
  })
  .meta({ id: "PlanDiff" });

export type PlanDiff = z.output<typeof planDiffSchema>;

const namedValueRefSchema = z.object({ name: z.string().describe("ARM name."), displayName: z.string() });

/**
 * What APIM holds once the plan is applied. `etag` is what the plan read: for an entity the plan
 * does not write, the apply checks it is still so before writing anything.
 */
export const desiredStateSchema = z
  .object({
    profileVersion: z.number().int(),
    profile: accessProfileSchema,
    policy: z
      .object({ etag: etag.nullable(), xml: z.string() })
      .nullable()
      .describe("null: the API has no policy and needs none."),
    backend: z.object({ backendId: z.string(), etag: etag.nullable(), fields: managedBackendFieldsSchema }).nullable(),
    namedValues: z.array(namedValueRefSchema),
  })
  .meta({ id: "DesiredState" });

export type DesiredState = z.output<typeof desiredStateSchema>;

/** What APIM held after a successful apply: the baseline drift is measured against. */
export const appliedStateSchema = z
  .object({
    profileVersion: z.number().int(),
    profile: accessProfileSchema.describe("The profile the policy's managed block reads back to."),
    policy: z.object({ etag, xml: z.string() }).nullable(),
    backend: z.object({ backendId: z.string(), etag, fields: managedBackendFieldsSchema }).nullable(),
    namedValues: z.array(namedValueRefSchema),
    createdBackends: z
      .array(z.string())
      .describe("Backends this plan created (Portcullis removes them once no profile uses them)."),
    removedBackends: z.array(z.string()),
  })
  .meta({ id: "AppliedState" });

export type AppliedState = z.output<typeof appliedStateSchema>;

export const planDecisionSchema = z
  .object({
    id: z.string(),
    decision: z.enum(["approved", "rejected"]),
    reason: z.string().nullable().describe("Why the plan was rejected."),
    planHash: z.string().describe("The content hash of the plan this decision was made for."),
    actor: z.object({ type: z.enum(["user", "app"]), oid: z.string(), name: z.string() }),
    createdAt: z.string(),
    expiresAt: z.string().describe("An approval no longer counts from this time on."),
    counts: z.boolean().describe("Whether this decision counts now."),
    notCountedBecause: z
      .enum(["author", "contributed", "automation", "plan-changed", "expired", "superseded"])
      .nullable()
      .describe(
        "author: the plan's author; contributed: the approver wrote an input the plan (or a plan of the set) brings; automation: the instance does not accept automation's approvals; plan-changed: made for other content; expired; superseded: the same actor decided again later.",
      ),
  })
  .meta({ id: "PlanDecision" });

export const planApprovalSchema = z
  .object({
    required: z.number().int().describe("Approvals the instance requires for this plan; 0 when none."),
    status: z
      .enum(["not_required", "waiting", "approved", "rejected"])
      .describe("Whether the plan may be applied: not_required or approved."),
    approvedBy: z.number().int().describe("Approvals that count now (admins other than the author)."),
    decisions: z.array(planDecisionSchema),
  })
  .meta({ id: "PlanApproval" });

export type PlanApprovalView = z.output<typeof planApprovalSchema>;

export const planAwaitingApprovalSchema = z
  .object({
    planId: z.guid(),
    hash: z.string().describe("The plan's content hash: an approval is bound to it."),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    ownPlan: z.boolean().describe("Whether the caller made the plan (and so cannot approve it)."),
    contributed: z
      .array(z.string())
      .describe(
        "What the caller wrote of the inputs the plan brings to its API (each named, never a value): their approval would be refused (403 `approver-contributed`) as the author's is. Empty when nothing.",
      ),
    api: z.object({ id: z.guid(), displayName: z.string() }),
    instance: z.object({ id: z.guid(), name: z.string(), environment: z.string().nullable() }),
    approval: planApprovalSchema,
  })
  .meta({ id: "PlanAwaitingApproval" });

export type PlanAwaitingApproval = z.output<typeof planAwaitingApprovalSchema>;

export const plansAwaitingApprovalSchema = z
  .object({ items: z.array(planAwaitingApprovalSchema) })
  .meta({ id: "PlansAwaitingApproval" });

export const planIdSchema = z.guid("must be a plan id");

const reviewedHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a plan hash (64 hexadecimal digits)")
  .optional()
  .describe("The hash of the plan you reviewed: refused (409) when the plan's content is no longer that.");

export const planApprovalInputSchema = z.strictObject({ planHash: reviewedHash }).meta({ id: "PlanApprovalInput" });

export const planRejectionInputSchema = z
  .strictObject({
    // A reason may run over several lines (a reviewer's note).
    reason: allowLineBreaks(
      z.string({
        error: (issue) => (issue.input === undefined ? "must say why the plan is rejected" : "must be a string"),
      }),
    )
      .trim()
      .min(1, "must say why the plan is rejected")
      .max(2000, "must be at most 2000 characters"),
    planHash: reviewedHash,
  })
  .meta({ id: "PlanRejectionInput" });

export const planSchema = z
  .object({
    id: z.string(),
    apiId: z.string(),
    purpose: z
      .enum(["profile", "drift"])
      .describe("profile: from the current profile version; drift: restores the last applied one."),
    profileVersion: z.number().int(),
    empty: z.boolean().describe("True when APIM already matches: nothing to write."),
    blocked: z
      .boolean()
      .describe("True when lint found errors or a finding makes the profile ineffective: the plan cannot be applied."),
    operations: z.array(planOperationSchema),
    diff: planDiffSchema,
    createdAt: z.string(),
    createdBy: z.string(),
    createdByOid: z
      .string()
      .nullable()
      .describe("The author's object id (null for plans made before approvals existed): their approval never counts."),
    hash: z
      .string()
      .describe(
        "SHA-256 of the plan's content (operations with the ETags read, diff, desired state): approvals are bound to it.",
      ),
    instanceId: z.string(),
    approval: planApprovalSchema,
    deployments: z.array(z.object({ id: z.string(), status: z.string(), startedAt: z.string() })),
  })
  .meta({ id: "Plan" });

export type PlanView = z.output<typeof planSchema>;

/** Why a step failed: ARM's code, message and targets — never a request body. */
export const stepErrorSchema = z
  .object({
    code: z.string(),
    message: z.string(),
    status: z.number().int().nullable().describe("HTTP status of ARM's last answer; null when none arrived."),
    armCode: z.string().nullable(),
    armMessage: z.string().nullable(),
    targets: z.array(z.object({ target: z.string().nullable(), message: z.string().nullable() })),
    mayHaveLanded: z.boolean().describe("The write may have been carried out although no success arrived."),
  })
  .meta({ id: "StepError" });

export type StepError = z.output<typeof stepErrorSchema>;

export const STEP_STATUSES = ["pending", "running", "succeeded", "failed", "skipped", "not_run"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const stepSchema = z
  .object({
    seq: z.number().int(),
    kind: z.string(),
    target: z.string(),
    status: z.enum(STEP_STATUSES),
    ifMatch: z.string().nullable().describe("The If-Match sent; null for a create."),
    etagAfter: z.string().nullable(),
    httpStatus: z.number().int().nullable(),
    armRequestIds: z.array(z.string()),
    armCorrelationId: z.string().nullable(),
    error: stepErrorSchema.nullable(),
    note: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "DeploymentStep" });

export type StepView = z.output<typeof stepSchema>;

export const DEPLOYMENT_STATUSES = ["queued", "running", "succeeded", "failed", "conflicted"] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export const deploymentErrorSchema = z
  .object({
    code: z.enum(["conflicted", "check_failed", "step_failed", "interrupted", "lock_lost", "internal"]),
    message: z.string(),
    step: z.number().int().nullable().describe("The step that stopped the deployment."),
  })
  .meta({ id: "DeploymentError" });

export type DeploymentError = z.output<typeof deploymentErrorSchema>;

export const deploymentSchema = z
  .object({
    id: z.string(),
    planId: z.string(),
    apiId: z.string(),
    status: z.enum(DEPLOYMENT_STATUSES),
    error: deploymentErrorSchema.nullable(),
    result: appliedStateSchema.nullable(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    startedBy: z.string(),
    requestId: z.string().nullable(),
    steps: z.array(stepSchema),
  })
  .meta({ id: "Deployment" });

export type DeploymentView = z.output<typeof deploymentSchema>;

export const deploymentPageSchema = pageOf(deploymentSchema, "DeploymentPage");
export const deploymentListQuerySchema = pageQuerySchema;

export const DRIFT_KINDS = [
  "policy-deleted",
  "managed-block-removed",
  "managed-block-duplicated",
  "managed-block-changed",
  "policy-unreadable",
  "backend-deleted",
  "backend-fields-changed",
  "named-value-missing",
  "policy-edited-outside-block",
  "policy-resaved",
  "backend-other-fields-changed",
] as const;

export const driftDifferenceSchema = z
  .object({
    entity: z.enum(["policy", "backend", "namedValue"]),
    name: z.string(),
    kind: z.enum(DRIFT_KINDS),
    message: z.string(),
    changes: z.array(fieldChangeSchema).describe("Field changes against what was last applied (secrets hidden)."),
    hunks: z.array(hunkSchema).describe("Lines of the policy that changed outside the managed block."),
  })
  .meta({ id: "DriftDifference" });

export type DriftDifference = z.output<typeof driftDifferenceSchema>;

export const driftReportSchema = z
  .object({
    apiId: z.string(),
    apimName: z.string(),
    displayName: z.string(),
    status: z
      .enum(["in_sync", "drifted", "changed_harmlessly", "not_deployed", "check_failed"])
      .describe("drifted: a difference that matters; changed_harmlessly: only edits Portcullis does not manage."),
    baseline: z
      .object({ deploymentId: z.string(), finishedAt: z.string().nullable(), profileVersion: z.number().int() })
      .nullable(),
    significant: z.array(driftDifferenceSchema),
    harmless: z.array(driftDifferenceSchema),
    error: z.string().nullable().describe("Why the check could not finish (check_failed)."),
    restorePlan: z
      .object({ method: z.literal("POST"), href: z.string() })
      .nullable()
      .describe(
        "Where to ask for a plan that restores what was last applied; offered when something significant drifted.",
      ),
  })
  .meta({ id: "DriftReport" });

export type DriftReport = z.output<typeof driftReportSchema>;

export const driftScanSchema = z
  .object({
    instanceId: z.string(),
    checkedAt: z.string(),
    concurrency: z.number().int().describe("At most this many ARM calls were in flight at once."),
    armCalls: z.number().int(),
    counts: z.record(z.string(), z.number().int()).describe("APIs per status."),
    apis: z.array(driftReportSchema),
  })
  .meta({ id: "DriftScan" });

export type DriftScan = z.output<typeof driftScanSchema>;
