import { z } from "zod";

/**
 * The shapes of effective access and the token what-if as the REST API and the console show
 * them. They never hold a token, a claim value the caller sent, or a secret: named values
 * appear by name.
 */

const scope = z.enum(["global", "product", "api", "operation"]);

export const statementRefSchema = z
  .object({
    element: z.string(),
    scope,
    scopeId: z.string().nullable().describe("The product, API or operation id; null for the global scope."),
    line: z.number().int(),
    column: z.number().int(),
    fragment: z
      .string()
      .optional()
      .describe("Set when the statement is in a policy fragment (line is the fragment's)."),
  })
  .meta({ id: "StatementRef" });

export const accessStatementSchema = statementRefSchema
  .extend({
    section: z.enum(["inbound", "backend", "outbound", "on-error"]),
    role: z.string().describe("caller-check, answer, header, managed-identity, backend-target, undetermined, …"),
    managed: z.boolean().describe("Inside the Portcullis block: the next push rewrites it."),
    depth: z.number().int().describe("How many choose branches it stands in."),
    condition: z.string().nullable().describe("When it runs, if not on every call."),
    summary: z.string().describe("What it does, in words."),
  })
  .meta({ id: "AccessStatement" });

export const effectiveFindingSchema = z
  .object({
    code: z.string(),
    severity: z.enum(["blocking", "warning"]),
    scope,
    scopeId: z.string().nullable(),
    line: z.number().int(),
    column: z.number().int(),
    fragment: z.string().optional(),
    message: z.string(),
  })
  .meta({ id: "EffectiveAccessFinding" });

export const notConcludedSchema = z
  .object({
    code: z.string().describe("The finding code (or conclusion) that could not be reached."),
    reason: z.string(),
  })
  .meta({ id: "NotConcluded" });

const scopeReportSchema = z
  .object({
    scope,
    id: z.string().nullable(),
    status: z.enum(["policy", "none", "unreadable"]),
    reason: z.string().optional(),
    armStatus: z.number().int().optional(),
    requestId: z.string().optional(),
    sectionsWithoutBase: z.array(z.string()),
  })
  .meta({ id: "ScopeReport" });

const pipelineNoteSchema = z.object({
  kind: z.enum(["undetermined", "assumption"]),
  scope,
  line: z.number().int().optional(),
  fragment: z.string().optional(),
  message: z.string(),
});

const analysedPipeline = {
  scopes: z.array(scopeReportSchema).describe("Narrow to broad: operation, API, product, global."),
  statements: z
    .array(accessStatementSchema)
    .describe("In the order they run (inbound, then backend): those that decide access or the backend call."),
  findings: z.array(effectiveFindingSchema),
  notConcluded: z.array(notConcludedSchema).describe("What the analysis could not conclude, and why."),
  notes: z.array(pipelineNoteSchema),
};

export const accessPathSchema = z
  .object({
    key: z.string().describe("The product id, or empty for calls through no product."),
    productId: z.string().nullable(),
    productName: z.string().nullable(),
    label: z.string(),
    subscriptionRequired: z.boolean().nullable(),
    ...analysedPipeline,
    operations: z
      .array(
        z.object({
          operationId: z.string(),
          displayName: z.string(),
          method: z.string(),
          urlTemplate: z.string(),
          differences: z.array(z.string()).describe("How its own policy changes the path's outcome."),
          ...analysedPipeline,
        }),
      )
      .describe("Operations whose own policy changes the outcome (the others run the path's pipeline)."),
  })
  .meta({ id: "AccessPath" });

export const unreadableScopeSchema = z
  .object({
    what: z.string(),
    message: z.string(),
    status: z.number().int().nullable().describe("ARM's HTTP status; null when none arrived."),
    armCode: z.string().nullable(),
    armMessage: z.string().nullable(),
    correlationId: z.string().nullable(),
    requestIds: z.array(z.string()),
    readAt: z.string(),
  })
  .meta({ id: "UnreadableScope" });

export const effectiveAccessSchema = z
  .object({
    apiId: z.string(),
    apimName: z.string(),
    displayName: z.string(),
    profileVersion: z.number().int().nullable().describe("The stored profile version the analysis used."),
    readFrom: z.string().describe("When the first scope was read (scopes are read on demand, not stored)."),
    readTo: z.string().describe("When the last scope was read."),
    armRequests: z.number().int(),
    unreadable: z.array(unreadableScopeSchema),
    notConcluded: z.array(notConcludedSchema),
    blocking: z.boolean().describe("A path or operation has a finding that makes the profile ineffective."),
    paths: z.array(accessPathSchema),
    clientApplications: z
      .array(
        z.object({
          appId: z.string(),
          displayName: z.string().nullable().describe("From the client directory; null when it does not know the id."),
        }),
      )
      .describe("The client application ids the API's token validations accept, on any path or operation."),
    directory: z
      .enum(["graph", "none"])
      .describe(
        "Where the names come from: Microsoft Graph (GRAPH_LOOKUP), or none; the Portcullis probe is always named.",
      ),
    directoryProblem: z
      .string()
      .nullable()
      .describe("Why names are missing when the lookup failed (the ids are shown as they are); null when it did not."),
  })
  .meta({ id: "EffectiveAccess" });

export type EffectiveAccessView = z.output<typeof effectiveAccessSchema>;
export type AccessPathView = z.output<typeof accessPathSchema>;
export type AccessStatementView = z.output<typeof accessStatementSchema>;
export type EffectiveFindingView = z.output<typeof effectiveFindingSchema>;

/** A token (JWT, not stored, signature not checked) or a claims object, and where the call goes. */
export const accessCheckInputSchema = z
  .object({
    token: z
      .string()
      .max(16384, "must be at most 16384 characters")
      .optional()
      .describe("A JWT (with or without 'Bearer '). Its signature is NOT checked; it is never stored or logged."),
    claims: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("A claims object, instead of a token. Never stored or logged."),
    operationId: z.string().trim().min(1).max(256).optional().describe("The operation called (its ARM name)."),
    productId: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .optional()
      .describe("The product the call comes through (its ARM name); absent: no product."),
    at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 instant" }).optional().describe("Default: now."),
  })
  .refine((input) => (input.token === undefined) !== (input.claims === undefined), {
    message: "give either token or claims, not both and not neither",
    path: ["token"],
  })
  .meta({ id: "AccessCheckInput" });

export type AccessCheckInput = z.output<typeof accessCheckInputSchema>;

const refusalSchema = z.object({
  status: z.number().int().nullable(),
  message: z.string().nullable(),
  source: z.string(),
  mayBeChangedBy: z.array(statementRefSchema).describe("on-error statements that may change the answer."),
});

const backendCallSchema = z.object({
  target: z.string(),
  credentials: z.array(
    z.object({ header: z.string().nullable(), description: z.string(), setBy: statementRefSchema.nullable() }),
  ),
});

const outcomeSchema = z.object({
  decision: z.enum(["allowed", "denied", "undetermined"]),
  decidedBy: statementRefSchema.nullable(),
  response: refusalSchema.nullable(),
  backendCall: backendCallSchema.nullable(),
  when: z.array(z.string()),
});

export const accessCheckSchema = z
  .object({
    apiId: z.string(),
    productId: z.string().nullable(),
    operationId: z.string().nullable(),
    at: z.string(),
    decision: z.enum(["allowed", "denied", "undetermined"]),
    decidedBy: statementRefSchema
      .nullable()
      .describe(
        "The statement that decided: the last check passed, the one that refused, or the one that cannot be seen into.",
      ),
    response: refusalSchema.nullable().describe("What APIM answers when the call is denied."),
    backendCall: backendCallSchema.nullable().describe("What the backend call carries when the call is forwarded."),
    signature: z.string().describe("Says plainly that the token's signature is not checked."),
    summary: z.string(),
    assumptions: z.array(z.string()),
    steps: z.array(
      z.object({
        statement: statementRefSchema,
        result: z.enum(["passed", "failed", "undetermined"]),
        details: z.array(z.string()),
      }),
    ),
    outcomes: z.array(outcomeSchema).describe("Every way the call can end when conditions cannot be decided."),
    readAt: z.string().describe("When the scopes were read."),
    unreadable: z.array(unreadableScopeSchema),
  })
  .meta({ id: "AccessCheck" });

export type AccessCheckView = z.output<typeof accessCheckSchema>;

/**
 * What a plan found about the effective access its profile would have once applied: the API's
 * policy as the plan writes it, with every other scope as read when the plan was made. A blocking
 * finding means something else would undo the profile, and the plan cannot be applied.
 */
export const planAccessCheckSchema = z
  .object({
    readAt: z.string().describe("When the other scopes were read."),
    blocking: z.boolean().describe("A finding makes the profile ineffective: the plan cannot be applied."),
    findings: z.array(
      effectiveFindingSchema.extend({
        where: z.array(z.string()).describe("The paths (and operations) it was found on."),
      }),
    ),
    notConcluded: z.array(z.string()).describe("What could not be concluded (a scope could not be read), in words."),
  })
  .meta({ id: "PlanAccessCheck" });

export type PlanAccessCheck = z.output<typeof planAccessCheckSchema>;
