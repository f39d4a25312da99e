import { z } from "zod";
import { planApprovalSchema } from "../deployments/schemas";
import { pageOf, pageQuerySchema } from "../rest/pagination";
import { allowLineBreaks } from "../validation";
import { writtenProfileSchema } from "../policy/profile-schema";
import { variableValuesSchema } from "../policy/profile-variables";
import { environmentSchema } from "../instances/schemas";
import { templateReferenceSchema } from "../profiles/schemas";
import { changeSetChangeSchema, profileChangeSchema } from "./change-schema";

/** The most APIs one change set may hold (one request plans them all). */
export const MAX_CHANGE_SET_APIS = 500;

export const changeSetIdSchema = z.guid("must be a change set id");

export const createChangeSetInputSchema = z
  .strictObject({
    title: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(200, "must be at most 200 characters")
      .optional()
      .describe("Shown in the console and the audit history; defaults to a description of the change."),
    apiIds: z
      .array(z.guid("must be an API id"))
      .min(1, "must list at least one API")
      .max(MAX_CHANGE_SET_APIS, `must list at most ${MAX_CHANGE_SET_APIS} APIs`)
      .superRefine((ids, ctx) => {
        ids.forEach((id, index) => {
          if (ids.indexOf(id) !== index) ctx.addIssue({ code: "custom", path: [index], message: `repeats API ${id}` });
        });
      })
      .describe("The APIs the change is made to."),
    change: profileChangeSchema,
  })
  .meta({ id: "ChangeSetInput" });

/** One API and the whole profile it should have (not an edit of its current one), or the template it follows. */
export const desiredProfileSchema = z
  .strictObject({
    apiId: z.guid("must be an API id"),
    profile: writtenProfileSchema
      .optional()
      .describe(
        "The profile as written: its ${name} variables take the values of the API's instance's environment, as promotion does. Required unless template is given; absent when it is.",
      ),
    template: templateReferenceSchema
      .nullable()
      .optional()
      .describe(
        "The template the API follows: its profile is that template version, resolved with the environment's variables (profile must be absent). null: the API follows no template (it stops following; its profile is `profile`). Absent: what it follows stays as it is.",
      ),
    adopt: z
      .boolean()
      .optional()
      .describe("Whether the version takes over the live policy's hand-written statements (default false)."),
  })
  .superRefine((desired, ctx) => {
    if (desired.template && desired.profile !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["profile"],
        message: "must be absent when template is given (the template's version is the profile)",
      });
    if (!desired.template && desired.profile === undefined)
      ctx.addIssue({ code: "custom", path: ["profile"], message: "is required (or give template)" });
  })
  .meta({ id: "DesiredProfile" });

/** The variables a set gives its environment: all of them, as PUT /environments/{name}/variables replaces them. */
export const changeSetVariablesInputSchema = z
  .strictObject({
    environment: environmentSchema.describe("The environment whose variables the set changes."),
    values: variableValuesSchema.describe(
      "Every variable of the environment, name → value (one not listed is removed), as PUT /environments/{name}/variables takes them. Values are names and identifiers, never secrets: a value that looks like a key is refused.",
    ),
  })
  .meta({ id: "ChangeSetVariablesInput" });

/** Where a profiles-as-code set comes from: the key by which a newer set from it supersedes the older. */
const sourceSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(300, "must be at most 300 characters")
  .optional()
  .describe(
    "Where the profiles come from, e.g. `portcullis plan --dir profiles` (the CLI sends its directory): a newer set from the same source supersedes an older one not yet applied, whatever APIs each holds.",
  );

export const createProfilesChangeSetInputSchema = z
  .strictObject({
    title: createChangeSetInputSchema.shape.title,
    source: sourceSchema,
    profiles: z
      .array(desiredProfileSchema)
      .max(MAX_CHANGE_SET_APIS, `must give at most ${MAX_CHANGE_SET_APIS} profiles`)
      .superRefine((profiles, ctx) => {
        profiles.forEach(({ apiId }, index) => {
          if (profiles.findIndex((other) => other.apiId === apiId) !== index)
            ctx.addIssue({ code: "custom", path: [index, "apiId"], message: `repeats API ${apiId}` });
        });
      })
      .default([])
      .describe(
        "Each API's desired profile; an API whose profile already is this is `unchanged`. May be empty when `variables` are given.",
      ),
    variables: changeSetVariablesInputSchema
      .optional()
      .describe(
        "The environment's variables, changed under the set's approval: the set's profiles are resolved with these values, and the variables are written when its first apply starts. Every API of `profiles` must be on an instance of this environment.",
      ),
  })
  .superRefine((input, ctx) => {
    if (input.profiles.length === 0 && input.variables === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["profiles"],
        message: "must give at least one API's profile (or variables)",
      });
  })
  .meta({ id: "ProfilesChangeSetInput" });

/**
 * POST /change-sets: one change to many APIs (`apiIds` + `change`), or each API's own desired
 * profile (`profiles`, as `portcullis plan` sends its files). One object rather than a union, so
 * a bad request is answered naming its fields.
 */
export const createChangeSetBodySchema = z
  .strictObject({
    title: createChangeSetInputSchema.shape.title,
    apiIds: createChangeSetInputSchema.shape.apiIds.optional(),
    change: profileChangeSchema.optional(),
    profiles: createProfilesChangeSetInputSchema.shape.profiles.unwrap().optional(),
    variables: createProfilesChangeSetInputSchema.shape.variables,
    source: sourceSchema,
  })
  .superRefine((body, ctx) => {
    const issue = (field: string, message: string) => ctx.addIssue({ code: "custom", path: [field], message });
    if (body.profiles !== undefined || body.variables !== undefined) {
      const given = body.profiles !== undefined ? "profiles" : "variables";
      if (body.apiIds !== undefined) issue("apiIds", `must not be given with ${given} (each profile names its API)`);
      if (body.change !== undefined) issue("change", `must not be given with ${given} (each profile is the change)`);
      if (body.profiles?.length === 0 && body.variables === undefined)
        issue("profiles", "must give at least one API's profile (or variables)");
      return;
    }
    if (body.source !== undefined) issue("source", "must be given only with profiles or variables (profiles as code)");
    if (body.apiIds === undefined) issue("apiIds", "must list the APIs to change (or give profiles instead)");
    if (body.change === undefined) issue("change", "must say the change to make (or give profiles instead)");
  })
  .meta({ id: "CreateChangeSetBody" });

export const itemStatusSchema = z
  .enum(["blocked", "unchanged", "planned", "queued", "running", "succeeded", "failed", "conflicted", "cancelled"])
  .describe(
    "blocked: the change does not fit, could not be planned, or the plan has lint errors or blocking effective-access findings (never applied); unchanged: nothing to write; planned: waiting to be applied; queued/running: being applied; succeeded, failed (a re-run applies it again), conflicted (APIM changed since the plan: make a new change set), cancelled (a re-run applies it).",
  );

/** A template an API follows, as a change set's item shows it. */
export const followedTemplateSchema = z
  .object({
    name: z.string(),
    version: z
      .number()
      .int()
      .nullable()
      .describe("The template version its profile is; null: its profile is not one of them (edited by hand)."),
  })
  .meta({ id: "FollowedTemplate" });

export const followingChangeSchema = z
  .object({
    before: followedTemplateSchema.nullable().describe("What the API followed when the set was made; null: none."),
    after: followedTemplateSchema.nullable().describe("What it follows from the set on; null: none."),
  })
  .meta({ id: "FollowingChange" });

export type FollowingChangeView = z.output<typeof followingChangeSchema>;

export const changeSetItemSchema = z
  .object({
    apiId: z.string(),
    apiName: z.string().describe("The API's display name."),
    apimName: z.string().describe("The API's name in APIM (ARM)."),
    instanceId: z.string(),
    instanceName: z.string(),
    status: itemStatusSchema,
    summary: z.string().describe("What changes for this API (the plan's summary), or why nothing does."),
    blocking: z
      .array(z.object({ code: z.string(), message: z.string() }))
      .describe("Why the API is blocked: lint errors, blocking effective-access findings, or a refusal."),
    planId: z.string().nullable().describe("The API's plan: its page shows the diff."),
    profileVersion: z.number().int().nullable().describe("The profile version the change saved."),
    following: followingChangeSchema
      .nullable()
      .describe(
        "The template the API follows (or its version) before and after the set, written when the set is made: a profile given as a template, `template: null`, or applying a template. null: the set does not change what the API follows.",
      ),
    deploymentId: z.string().nullable(),
    error: z.string().nullable().describe("What went wrong applying it."),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "ChangeSetItem" });

export const changeSetProgressSchema = z
  .object({
    total: z.number().int().describe("APIs with something to apply (neither blocked nor unchanged)."),
    done: z.number().int().describe("Of those, the ones that ended (succeeded, failed, conflicted or cancelled)."),
    counts: z.partialRecord(itemStatusSchema, z.number().int()).describe("APIs per status."),
    estimatedSecondsLeft: z
      .number()
      .int()
      .nullable()
      .describe("While applying: the time the remaining APIs should take at the pace so far; null before any ended."),
  })
  .meta({ id: "ChangeSetProgress" });

export const variableChangeSchema = z
  .object({
    name: z.string(),
    before: z.string().nullable().describe("Its value when the set was made; null: not set."),
    after: z.string().nullable().describe("Its value once the set applies; null: removed."),
  })
  .meta({ id: "VariableChange" });

export const changeSetVariablesSchema = z
  .object({
    environment: z.string(),
    changes: z.array(variableChangeSchema).describe("Each variable the set changes, by name."),
  })
  .meta({ id: "ChangeSetVariables" });

export type ChangeSetVariables = z.output<typeof changeSetVariablesSchema>;

export const changeSetSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    change: changeSetChangeSchema,
    variables: changeSetVariablesSchema
      .nullable()
      .describe(
        "The environment variables the set changes (written when its first apply starts, 409 `variables-changed` if one changed since); null: none.",
      ),
    status: z
      .enum(["ready", "applying", "cancelling", "finished", "cancelled", "superseded"])
      .describe(
        "ready: planned, not applied; applying; cancelling (no API starts any more); finished; cancelled; superseded: a newer set replaced it before it was applied (`supersededBy`), so it can no longer be approved or applied.",
      ),
    supersededBy: z
      .object({ id: z.string(), title: z.string(), at: z.string() })
      .nullable()
      .describe(
        "The set that replaced this one (status `superseded`) and when: it held every API this one would apply (and its environment's variables), or came from the same `source`. null: not superseded.",
      ),
    supersedes: z
      .array(z.object({ id: z.string(), title: z.string() }))
      .describe("The older sets, not yet applied, this one replaced when it was made (each now `superseded`)."),
    source: z
      .string()
      .nullable()
      .describe(
        "Where a profiles-as-code set came from (`portcullis plan --dir` sends its directory): a newer set from the same source supersedes this one. null: made another way.",
      ),
    hash: z
      .string()
      .describe("SHA-256 over its plans' content hashes and its variable changes: approvals are bound to it."),
    createdAt: z.string(),
    createdBy: z.string(),
    applyStartedAt: z.string().nullable(),
    applyStartedBy: z.string().nullable(),
    finishedAt: z.string().nullable(),
    approval: planApprovalSchema.describe(
      "One approval covers the set: the most approvals any of its instances requires; automation counts only where every instance allows it. Each decision's planHash is the set hash it was made for.",
    ),
    progress: changeSetProgressSchema,
    concurrency: z.number().int().describe("How many APIs are applied at once."),
    items: z.array(changeSetItemSchema).describe("Failures first, then in the order selected."),
  })
  .meta({ id: "ChangeSet" });

export type ChangeSetView = z.output<typeof changeSetSchema>;
export type ChangeSetItemView = z.output<typeof changeSetItemSchema>;
export type ItemStatus = z.output<typeof itemStatusSchema>;

export const changeSetSummarySchema = changeSetSchema
  .pick({ id: true, title: true, status: true, supersededBy: true, createdAt: true, createdBy: true, progress: true })
  .extend({ apis: z.number().int() })
  .meta({ id: "ChangeSetSummary" });

export type ChangeSetSummary = z.output<typeof changeSetSummarySchema>;

export const changeSetPageSchema = pageOf(changeSetSummarySchema, "ChangeSetPage");
export const changeSetListQuerySchema = pageQuerySchema;

export const changeSetAwaitingApprovalSchema = changeSetSchema
  .pick({
    id: true,
    title: true,
    variables: true,
    hash: true,
    createdAt: true,
    createdBy: true,
    approval: true,
    supersedes: true,
  })
  .extend({
    apis: z.number().int().describe("The APIs the set applies (neither blocked nor unchanged)."),
    ownSet: z.boolean().describe("Whether the caller made the set (and so cannot approve it)."),
    contributed: z
      .array(z.string())
      .describe(
        "What the caller wrote of the inputs any of the set's plans brings to its API (each named, never a value): their approval would be refused (403 `approver-contributed`) as the author's is. Empty when nothing.",
      ),
    approvalExpiresAt: z.iso
      .datetime()
      .nullable()
      .describe(
        "When the first of the approvals that count now expires (the set then needs it again); null: none yet.",
      ),
  })
  .meta({ id: "ChangeSetAwaitingApproval" });

export type ChangeSetAwaitingApproval = z.output<typeof changeSetAwaitingApprovalSchema>;

const reviewedHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a change set hash (64 hexadecimal digits)")
  .optional()
  .describe("The hash of the change set you reviewed: refused (409) when its plans are no longer those.");

export const changeSetApprovalInputSchema = z
  .strictObject({ setHash: reviewedHash })
  .meta({ id: "ChangeSetApprovalInput" });

export const changeSetRejectionInputSchema = z
  .strictObject({
    reason: allowLineBreaks(
      z.string({
        error: (issue) => (issue.input === undefined ? "must say why the change set is rejected" : "must be a string"),
      }),
    )
      .trim()
      .min(1, "must say why the change set is rejected")
      .max(2000, "must be at most 2000 characters"),
    setHash: reviewedHash,
  })
  .meta({ id: "ChangeSetRejectionInput" });
