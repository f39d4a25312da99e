import { z } from "zod";

const booleanQuery = z
  .enum(["true", "false"], { error: "must be true or false" })
  .transform((value) => value === "true");

const scopeName = z.enum(["global", "product", "api", "operation"]);

export const clientApplicationSchema = z.object({
  appId: z.string(),
  /** From the directory (Microsoft Graph when GRAPH_LOOKUP is on; "Portcullis probe" for Portcullis's own client id); null when unknown. */
  displayName: z.string().nullable(),
});

const callerValidationSchema = z.object({
  kind: z.enum(["validate-azure-ad-token", "validate-jwt", "check-header", "ip-filter", "validate-client-certificate"]),
  tenant: z
    .string()
    .nullable()
    .describe("Entra tenant of validate-azure-ad-token (as written when it cannot be resolved)."),
  issuers: z.array(z.string()).describe("Issuers (or OpenID configuration URLs) validate-jwt accepts."),
  conditional: z.boolean().describe("Runs only under conditions, or where what runs is undetermined."),
  scope: scopeName,
  line: z.number().int(),
});

export const findingSummarySchema = z.object({
  count: z.number().int(),
  codes: z.array(z.string()).describe("Distinct finding codes, on this path or on any of its operations."),
  blocking: z.boolean(),
  notConcluded: z.array(z.string()).describe("Finding codes whose absence could not be concluded."),
});

export const accessPathRowSchema = z.object({
  key: z.string().describe('The product\'s name, or "" for calls through no product.'),
  productId: z.string().nullable(),
  productName: z.string().nullable(),
  label: z.string(),
  subscriptionRequired: z.boolean().nullable(),
  callerValidation: z.array(callerValidationSchema),
  clientApplications: z.array(clientApplicationSchema),
  anyClientApplication: z
    .boolean()
    .describe("A token validation on this path accepts any client application of its issuer."),
  audiences: z.array(z.string()),
  requiredClaims: z.array(z.string()),
  backendAuth: z
    .array(z.enum(["apiKey", "managedIdentity", "basic", "certificate", "undetermined"]))
    .describe("How APIM authenticates to the backend; empty: it attaches no credential of its own."),
  backendTargets: z
    .array(z.string())
    .describe("Where the call goes: a backend entity (whose credentials apply), a base URL or the API's service URL."),
  secretKinds: z
    .array(z.enum(["typed", "keyVault", "plain", "missing", "expression"]))
    .describe("typed: a secret named value typed in; keyVault: a Key Vault reference; plain: not secret."),
  anyoneCanCall: z.boolean(),
  findings: findingSummarySchema,
  /** Operations whose own policy changes the outcome: their names and finding codes. */
  operations: z.array(z.object({ name: z.string(), displayName: z.string(), codes: z.array(z.string()) })),
});

export const unreadableScopeSchema = z.object({
  what: z.string(),
  status: z.number().int().nullable(),
  armCode: z.string().nullable(),
  message: z.string(),
  correlationId: z.string().nullable(),
  requestIds: z.array(z.string()),
});

export const accessMatrixRowSchema = z.object({
  apiId: z.string().nullable().describe("Portcullis's id of the API; null when a sync has not discovered it yet."),
  apimName: z.string(),
  displayName: z.string(),
  path: z.string().nullable(),
  /** The paths' columns all alike: the UI shows one line for the API. */
  uniform: z.boolean(),
  paths: z.array(accessPathRowSchema),
  anyoneCanCall: z.boolean(),
  findings: findingSummarySchema,
  unreadable: z.array(unreadableScopeSchema),
  notConcluded: z.array(z.string()).describe("What could not be concluded about the API as a whole, in words."),
});

export const accessMatrixSchema = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  readFrom: z.string().describe("When the first scope was read (scopes are read on demand, never stored)."),
  readTo: z.string(),
  armRequests: z.number().int(),
  directory: z
    .enum(["graph", "none"])
    .describe("Where client application display names came from (the Portcullis probe is always named)."),
  directoryProblem: z
    .string()
    .nullable()
    .describe("Why names are missing when the lookup failed (the ids are shown as they are); null when it did not."),
  unreadable: z.array(unreadableScopeSchema).describe("Instance-wide reads that failed (the API list, products, …)."),
  rows: z.array(accessMatrixRowSchema),
});

export const accessMatrixQuerySchema = z.object({
  anyoneCanCall: booleanQuery.optional().describe("true: only APIs anyone who reaches the gateway can call."),
  hasFindings: booleanQuery.optional().describe("true: only APIs with a finding on some path or operation."),
});

/** The console page's query: the matrix's filters and, optionally, a client application to look up. */
export const accessPageQuerySchema = accessMatrixQuerySchema.extend({
  appId: z.guid("must be an application (client) id, a GUID").optional(),
});

export const clientApplicationAccessSchema = z.object({
  appId: z.string(),
  displayName: z.string().nullable(),
  items: z.array(
    z.object({
      instanceId: z.string(),
      instanceName: z.string(),
      apiId: z.string().nullable(),
      apimName: z.string(),
      displayName: z.string(),
      paths: z.array(
        z.object({
          key: z.string(),
          label: z.string(),
          reason: z
            .enum(["listed", "any-client", "anyone-can-call"])
            .describe(
              "listed: the app is among the allowed client applications; any-client: a token validation accepts any client of its issuer; anyone-can-call: nobody is checked.",
            ),
          conditions: z
            .array(z.string())
            .describe("What else its token must carry: tenant or issuers, audiences, claims."),
          findings: z.array(z.string()),
        }),
      ),
    }),
  ),
  unreadable: z
    .array(z.object({ instanceId: z.string(), instanceName: z.string(), what: z.string(), message: z.string() }))
    .describe("What could not be read: the answer may miss APIs there."),
  readAt: z.string(),
});

export type AccessMatrix = z.infer<typeof accessMatrixSchema>;
export type AccessMatrixRow = z.infer<typeof accessMatrixRowSchema>;
export type AccessPathRow = z.infer<typeof accessPathRowSchema>;
export type ClientApplicationAccess = z.infer<typeof clientApplicationAccessSchema>;
export type UnreadableScopeView = z.infer<typeof unreadableScopeSchema>;
export type FindingSummary = z.infer<typeof findingSummarySchema>;
