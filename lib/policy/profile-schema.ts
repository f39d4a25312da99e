/**
 * The access profile: the desired auth state of one API, as the REST API, the console and the
 * CLI accept it. Plain zod objects and discriminated unions with `.describe()` so the REST API
 * can generate OpenAPI from the same schema.
 *
 * Every string that ends up in a policy is checked here, because a value must never become a
 * policy expression, a named value reference, markup or a second element. XML escaping (done by
 * the renderer) handles markup; what escaping cannot fix is refused with the reason:
 * - a leading `@` makes APIM evaluate an attribute value or element text as C# (`@(…)`, `@{…}`);
 * - `{{` anywhere makes APIM substitute a named value, even inside escaped text;
 * - control characters and line breaks would be normalised away by XML and not come back.
 */
import { z } from "zod";
import { formatZodIssues } from "../validation";
import { orVariables } from "./profile-variables";

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
/** APIM named value displayName: "only letters, digits, period, dash, and underscore", 1–256. */
const NAMED_VALUE_NAME = /^[A-Za-z0-9-._]+$/;
/** RFC 7230 `token`, the characters an HTTP header name may have. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Backend ids: APIM's templates allow alphanumerics and hyphens; we also allow `.` and `_`. */
const BACKEND_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Control characters (XML would normalise or refuse them), lone surrogates and U+FFFE/U+FFFF
// (not XML characters at all).
const UNCARRIABLE =
  /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string that is written into the policy as an attribute value or element text. */
function policyLiteral(maxLength: number) {
  return z
    .string()
    .min(1, "must not be empty")
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine(
      (value) => !UNCARRIABLE.test(value),
      "must not contain control characters, line breaks or unpaired surrogates",
    )
    .refine((value) => value.trim() === value, "must not start or end with whitespace")
    .refine((value) => !value.startsWith("@"), 'must not start with "@": APIM would evaluate it as a policy expression')
    .refine((value) => !value.includes("{{"), 'must not contain "{{": APIM would read it as a named value reference');
}

const guid = z.string().regex(GUID, "must be a GUID such as 00000000-0000-0000-0000-000000000000");

function httpsUrl() {
  return policyLiteral(2000)
    .refine((value) => URL.canParse(value) && new URL(value).protocol === "https:", "must be an absolute https:// URL")
    .refine(
      (value) => !URL.canParse(value) || (new URL(value).username === "" && new URL(value).password === ""),
      "must not contain credentials",
    )
    .refine((value) => !/[\s{}]/.test(value), "must not contain spaces or braces");
}

/** A list whose items must be distinct; the issue points at the repeated item. */
function distinctList<T extends z.ZodType<string>>(item: T, minimum: number, what: string) {
  return z
    .array(item)
    .min(minimum, minimum === 1 ? `must list at least one ${what}` : `must list at least ${minimum} ${what}s`)
    .max(100, `must list at most 100 ${what}s`)
    .superRefine((values, ctx) => {
      values.forEach((value, index) => {
        if (values.indexOf(value) !== index)
          ctx.addIssue({ code: "custom", path: [index], message: `repeats ${what} "${value}"` });
      });
    });
}

/**
 * Builds the profile schema. `leaf` wraps every free-text field: the identity for the profile
 * itself, `orVariables` for a profile as written, whose values may be `${name}` variables
 * (lib/policy/profile-variables.ts) checked only once they are resolved.
 */
function buildProfileSchema(leaf: (schema: z.ZodString) => z.ZodString) {
  const namedValue = leaf(
    z
      .string()
      .min(1, "must not be empty")
      .max(256, "must be at most 256 characters")
      .regex(
        NAMED_VALUE_NAME,
        "must contain only letters, digits, period, dash and underscore (APIM named value rules)",
      ),
  ).describe("Display name of the APIM named value that holds the API key; referenced as {{name}}.");

  const headerName = leaf(
    z
      .string()
      .min(1, "must not be empty")
      .max(256, "must be at most 256 characters")
      .regex(HEADER_NAME, "must be an HTTP header name (RFC 7230 token characters, no spaces or separators)"),
  ).describe("HTTP header the backend expects the key in, e.g. api-key.");

  const backendId = leaf(
    z
      .string()
      .min(1, "must not be empty")
      .max(80, "must be at most 80 characters")
      .regex(BACKEND_ID, "must start with a letter or digit and contain only letters, digits, '.', '-' and '_'"),
  ).describe("Id of the APIM backend entity the policy selects with set-backend-service.");

  const backendUrl = leaf(httpsUrl()).describe("Runtime URL of the model endpoint, stored in the backend entity.");

  const resource = leaf(
    policyLiteral(2000).refine(
      (value) => GUID.test(value) || /^(https|api):\/\/[^\s{}]+$/.test(value),
      "must be an https:// or api:// application ID URI, or an application id GUID",
    ),
  ).describe(
    "Application ID URI (or id) the managed identity token is requested for, e.g. https://cognitiveservices.azure.com.",
  );

  const clientId = leaf(guid).describe(
    "Client id of a user-assigned managed identity; omit for the system-assigned identity.",
  );

  const apiKeyFields = { mode: z.literal("apiKey"), namedValue, headerName };
  const managedIdentityFields = { mode: z.literal("managedIdentity"), resource, clientId: clientId.optional() };
  const backendDelivery = {
    delivery: z
      .literal("backend")
      .describe("The key or identity is configured on an APIM backend entity; the policy selects it."),
    backendId,
    backendUrl,
  };

  const backendAuth = z
    .discriminatedUnion("mode", [
      z.discriminatedUnion("delivery", [
        z.strictObject({
          ...apiKeyFields,
          delivery: z.literal("setHeader").describe("The policy sets the header from the named value."),
        }),
        z.strictObject({ ...apiKeyFields, ...backendDelivery }),
      ]),
      z.discriminatedUnion("delivery", [
        z.strictObject({
          ...managedIdentityFields,
          delivery: z
            .literal("policy")
            .describe("The policy gets a token with authentication-managed-identity and sets Authorization."),
        }),
        z.strictObject({ ...managedIdentityFields, ...backendDelivery }),
      ]),
      z.strictObject({ mode: z.literal("none") }),
    ])
    .describe("How APIM authenticates to the model backend.");

  const requiredClaim = z.strictObject({
    name: leaf(policyLiteral(256)).describe("Claim name, e.g. roles or scp."),
    match: z.enum(["all", "any"]).default("all").describe("all: the token must hold every value; any: at least one."),
    separator: z
      .string()
      .length(1, "must be a single character")
      .refine(
        (value) => !UNCARRIABLE.test(value) && value !== "@" && value !== "{",
        'must not be a control character, "@" or "{"',
      )
      .optional()
      .describe("Splits a multi-valued claim held in one string, e.g. a space for scp."),
    values: distinctList(leaf(policyLiteral(1024)), 1, "value").describe("Accepted claim values."),
  });

  const failedValidation = z
    .strictObject({
      httpCode: z
        .number()
        .int("must be a whole number")
        .min(400, "must be 400 or above")
        .max(599, "must be 599 or below")
        .optional(),
      message: leaf(policyLiteral(1024)).optional(),
    })
    .refine(
      (value) => value.httpCode !== undefined || value.message !== undefined,
      "must set httpCode, message or both",
    )
    .describe(
      "Status code and message returned to callers whose token fails validation (APIM defaults: 401 and its own message).",
    );

  const requiredClaims = z
    .array(requiredClaim)
    .max(50, "must list at most 50 claims")
    .default([])
    .describe("Claims every token must carry.");

  const tenantId = leaf(
    z
      .string()
      .refine(
        (value) => GUID.test(value) || DOMAIN.test(value),
        "must be a tenant GUID or a domain such as contoso.onmicrosoft.com",
      ),
  ).describe("Microsoft Entra tenant id or domain.");

  const callerAuth = z
    .discriminatedUnion("mode", [
      z.strictObject({ mode: z.literal("none") }),
      z.strictObject({
        mode: z.literal("entra"),
        tenantId,
        clientApplicationIds: distinctList(leaf(guid), 1, "client application id").describe(
          "Application (client) ids allowed to call the API.",
        ),
        audiences: distinctList(leaf(policyLiteral(1024)), 0, "audience")
          .default([])
          .describe("Accepted token audiences; empty accepts any audience issued for the client applications."),
        requiredClaims,
        failedValidation: failedValidation.optional(),
      }),
      z.strictObject({
        mode: z.literal("jwt"),
        openIdConfigUrl: leaf(httpsUrl()).describe("OpenID Connect discovery document of the token issuer."),
        issuers: distinctList(leaf(policyLiteral(1024)), 1, "issuer").describe("Accepted token issuers (iss)."),
        audiences: distinctList(leaf(policyLiteral(1024)), 1, "audience").describe(
          "Accepted token audiences (aud); at least one.",
        ),
        requiredClaims,
        failedValidation: failedValidation.optional(),
      }),
    ])
    .describe("Which callers APIM lets in, validated before the request reaches the backend.");

  const profile = z.strictObject({ backendAuth, callerAuth }).describe("Desired authentication state of one API.");
  return { backendAuth, callerAuth, profile, requiredClaim, tenantId };
}

const concrete = buildProfileSchema((schema) => schema);
export const backendAuthSchema = concrete.backendAuth;
export const callerAuthSchema = concrete.callerAuth;
export const accessProfileSchema = concrete.profile;

/** One tenant, client application id, audience, required claim: what a change set sets, adds or removes. */
export const tenantIdSchema = concrete.tenantId;
export const clientApplicationIdSchema = guid.describe("Application (client) id.");
export const audienceSchema = policyLiteral(1024).describe("Token audience (aud).");
export const requiredClaimSchema = concrete.requiredClaim;

/**
 * An access profile as written: any free-text value may hold `${name}` variables, whose values
 * each environment sets. Values without variables are checked as in accessProfileSchema; the
 * resolved profile is checked against accessProfileSchema before anything is saved, so a variable's
 * value can never become a policy expression or a named value reference.
 */
export const writtenProfileSchema = buildProfileSchema(orVariables).profile.describe(
  "Desired authentication state of one API; free-text values may be ${name} variables set per environment.",
);

/** A valid profile, defaults applied. */
export type AccessProfile = z.output<typeof accessProfileSchema>;
/** What callers may send (defaults not yet applied). */
export type AccessProfileInput = z.input<typeof accessProfileSchema>;
export type BackendAuth = AccessProfile["backendAuth"];
export type CallerAuth = AccessProfile["callerAuth"];
export type RequiredClaim = z.output<typeof concrete.requiredClaim>;

export interface ProfileIssue {
  /** Field path as it is written in JSON, e.g. `callerAuth.clientApplicationIds[1]`. */
  path: string;
  message: string;
}

export function formatProfileIssues(error: z.ZodError): ProfileIssue[] {
  return formatZodIssues(error, "", "(profile)");
}

export type ProfileValidation = { ok: true; profile: AccessProfile } | { ok: false; issues: ProfileIssue[] };

export function validateAccessProfile(input: unknown): ProfileValidation {
  const result = accessProfileSchema.safeParse(input);
  return result.success ? { ok: true, profile: result.data } : { ok: false, issues: formatProfileIssues(result.error) };
}
