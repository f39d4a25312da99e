/**
 * Shared by the property test (10,000 values per run) and bench/policy-hostile-values.ts
 * (100,000): hostile strings put into every string field of a profile. Each profile is either
 * refused with an issue naming exactly that field, or rendered into a policy that is well-formed,
 * reads back to exactly the same profile, and holds no expression, named value reference or
 * element that the engine did not write itself.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert";
import fc from "fast-check";
import { renderBackendEntity } from "../backend-entity";
import { parsePolicyDocument } from "../document/parse-policy-document";
import { descendantElements, type PolicyDocument } from "../document/policy-document";
import { listPolicyReferences } from "../document/policy-references";
import { checkWellFormed } from "../document/well-formed-check";
import { validateAccessProfile, type AccessProfileInput } from "../profile-schema";
import { readAccessProfile } from "../read/read-access-profile";
import { bearerFromVariableExpression, MANAGED_IDENTITY_TOKEN_VARIABLE } from "../render/managed-identity-token";
import { renderPolicy } from "../render/render-policy";

const FRAGMENTS = [
  "@(", "@{", "@", "{{", "}}", "{", "}", "{{openai-api-key}}", "@(context.Request.Body)", "<", ">", "&", "&amp;", "&#64;", "&#123;", '"', "'",
  "]]>", "<![CDATA[", "<!--", "-->", "--", "</value>", '<set-header name="x">', "</validate-jwt><set-backend-service backend-id=\"evil\" />",
  "\n", "\r", "\t", "\r\n", "\u0000", "\u001b", "\u0085", "\u2028", " ", "a", "Z", "0", "-", ".", "_", "/", ":", "é", "😀", "\ud800", "\udfff", "\ufffe",
  "https://", "api://", "00000000-0000-0000-0000-000000000000", "contoso.com", "$\"", "=>", "\\",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 }).map((parts) => parts.join("")),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.tuple(fc.constantFrom("https://x.example.com/", "api://", "Chat.", "contoso"), fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 })).map(([start, parts]) => start + parts.join("")),
);

type Field = { path: string; profile: (value: string) => AccessProfileInput };

const entra = (patch: Record<string, unknown>) => ({
  mode: "entra" as const,
  tenantId: "contoso.onmicrosoft.com",
  clientApplicationIds: ["11111111-2222-3333-4444-555555555555"],
  audiences: ["api://chat"],
  requiredClaims: [{ name: "roles", match: "any" as const, values: ["Chat.Use"] }],
  failedValidation: { httpCode: 401, message: "Unauthorized" },
  ...patch,
});
const jwt = (patch: Record<string, unknown>) => ({
  mode: "jwt" as const,
  openIdConfigUrl: "https://idp.example.com/.well-known/openid-configuration",
  issuers: ["https://idp.example.com/"],
  audiences: ["https://api.example.com"],
  requiredClaims: [{ name: "scp", separator: " ", values: ["chat"] }],
  ...patch,
});
const apiKey = (patch: Record<string, unknown>) => ({ mode: "apiKey" as const, namedValue: "openai-api-key", headerName: "api-key", delivery: "setHeader" as const, ...patch });
const apiKeyBackend = (patch: Record<string, unknown>) => apiKey({ delivery: "backend", backendId: "openai", backendUrl: "https://contoso.openai.azure.com/openai", ...patch });
const identity = (patch: Record<string, unknown>) => ({ mode: "managedIdentity" as const, resource: "https://cognitiveservices.azure.com", clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", delivery: "policy" as const, ...patch });

// Inputs are deliberately built from untyped patches: the point is to send what the schema must refuse.
const profile = (backendAuth: object, callerAuth: object) => ({ backendAuth, callerAuth }) as AccessProfileInput;

const FIELDS: Field[] = [
  { path: "backendAuth.namedValue", profile: (v) => profile(apiKey({ namedValue: v }), { mode: "none" }) },
  { path: "backendAuth.headerName", profile: (v) => profile(apiKey({ headerName: v }), entra({})) },
  { path: "backendAuth.backendId", profile: (v) => profile(apiKeyBackend({ backendId: v }), { mode: "none" }) },
  { path: "backendAuth.backendUrl", profile: (v) => profile(apiKeyBackend({ backendUrl: v }), { mode: "none" }) },
  { path: "backendAuth.resource", profile: (v) => profile(identity({ resource: v }), jwt({})) },
  { path: "backendAuth.clientId", profile: (v) => profile(identity({ clientId: v }), { mode: "none" }) },
  { path: "callerAuth.tenantId", profile: (v) => profile(identity({}), entra({ tenantId: v })) },
  { path: "callerAuth.clientApplicationIds[0]", profile: (v) => profile(identity({}), entra({ clientApplicationIds: [v] })) },
  { path: "callerAuth.audiences[0]", profile: (v) => profile(apiKey({}), entra({ audiences: [v] })) },
  { path: "callerAuth.audiences[0]", profile: (v) => profile(apiKey({}), jwt({ audiences: [v] })) },
  { path: "callerAuth.issuers[0]", profile: (v) => profile(apiKey({}), jwt({ issuers: [v] })) },
  { path: "callerAuth.openIdConfigUrl", profile: (v) => profile(apiKey({}), jwt({ openIdConfigUrl: v })) },
  { path: "callerAuth.requiredClaims[0].name", profile: (v) => profile(apiKey({}), entra({ requiredClaims: [{ name: v, values: ["x"] }] })) },
  { path: "callerAuth.requiredClaims[0].values[0]", profile: (v) => profile(apiKey({}), jwt({ requiredClaims: [{ name: "roles", values: [v] }] })) },
  { path: "callerAuth.requiredClaims[0].separator", profile: (v) => profile(apiKey({}), jwt({ requiredClaims: [{ name: "scp", separator: v, values: ["a"] }] })) },
  { path: "callerAuth.failedValidation.message", profile: (v) => profile(apiKey({}), entra({ failedValidation: { message: v } })) },
];

export const hostileProfileCase = fc.tuple(fc.constantFrom(...FIELDS), hostileString);

/** Throws (node:assert) when a hostile value escapes; returns whether the profile was accepted. */
export function checkHostileProfile([field, value]: [Field, string]): boolean {
  const validation = validateAccessProfile(field.profile(value));
  if (!validation.ok) {
    ok(validation.issues.length > 0);
    for (const issue of validation.issues) strictEqual(issue.path, field.path, `the refusal names ${issue.path}, not the field that got the value`);
    return false;
  }
  const accepted = validation.profile;
  const rendered = renderPolicy(accepted);
  strictEqual(checkWellFormed(rendered), undefined, "the rendered policy is well-formed");
  const entity = renderBackendEntity(accepted);
  const read = readAccessProfile(rendered, { format: "xml", backends: entity === undefined ? {} : { [entity.backendId]: entity.properties } });
  ok(read.ok);
  deepStrictEqual(read.reading.profile, accepted, "every value reads back exactly");
  const parsed = parsePolicyDocument(rendered, "xml");
  ok(parsed.ok);
  const baseline = parsePolicyDocument(renderPolicy(validationOf(field.profile(safeValue(field)))), "xml");
  ok(baseline.ok);
  deepStrictEqual(elementNames(parsed.document), elementNames(baseline.document), "no element was added or removed");
  deepStrictEqual(expressions(parsed.document), accepted.backendAuth.mode === "managedIdentity" && accepted.backendAuth.delivery === "policy" ? [bearerFromVariableExpression(MANAGED_IDENTITY_TOKEN_VARIABLE)] : [], "no value became an expression");
  const expectedReferences = accepted.backendAuth.mode === "apiKey" && accepted.backendAuth.delivery === "setHeader" ? [accepted.backendAuth.namedValue] : [];
  deepStrictEqual(listPolicyReferences(parsed.document).namedValues.map((reference) => reference.name), expectedReferences, "no value became a named value reference");
  return true;
}

/** A value the field accepts, to render the same statements without anything hostile. */
function safeValue(field: Field): string {
  if (field.path.endsWith("separator")) return ",";
  if (field.path.endsWith("clientApplicationIds[0]") || field.path.endsWith("clientId")) return "00000000-0000-0000-0000-000000000000";
  if (field.path.endsWith("Url") || field.path.endsWith("resource")) return "https://safe.example.com";
  return field.path.endsWith("tenantId") ? "contoso.com" : "safe";
}

function validationOf(input: AccessProfileInput) {
  const validation = validateAccessProfile(input);
  if (!validation.ok) throw new Error(`safe value refused: ${JSON.stringify(validation.issues)}`);
  return validation.profile;
}

function elementNames(document: PolicyDocument): string[] {
  return [...descendantElements(document.root)].map((element) => element.name);
}

function expressions(document: PolicyDocument): string[] {
  const found: string[] = [];
  for (const element of descendantElements(document.root)) {
    for (const attribute of element.attributes) if (attribute.isExpression) found.push(attribute.value);
    for (const child of element.children) if (child.kind === "text" && child.isExpression) found.push(child.value);
  }
  return found;
}
