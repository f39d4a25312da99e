/**
 * Merging with `adopt`: the hand-written statements the profile was read from are removed with
 * their lines, and nothing else. Each case checks the exact bytes: the adopting merge equals a
 * plain merge into the document without those lines.
 */
import { describe, expect, it } from "vitest";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { BEGIN_MARKER, END_MARKER } from "../managed-block";
import type { AccessProfile } from "../profile-schema";
import { mergePolicy } from "./merge-policy";

const ENTRA =
  '<validate-azure-ad-token tenant-id="contoso.onmicrosoft.com"><client-application-ids><application-id>11111111-2222-3333-4444-555555555555</application-id></client-application-ids></validate-azure-ad-token>';
const ENTRA_NAMED_TENANT = ENTRA.replace("contoso.onmicrosoft.com", "{{entra-tenant-id}}");
const JWT =
  '<validate-jwt header-name="Authorization" require-scheme="Bearer"><openid-config url="https://login.example.com/c" /><audiences><audience>a</audience></audiences><issuers><issuer>i</issuer></issuers></validate-jwt>';
const JWT_OUTPUT_VARIABLE = JWT.replace('require-scheme="Bearer"', 'output-token-variable-name="jwt"');
const DROP_TOKEN = '<set-header name="Authorization" exists-action="delete" />';
const BACKEND = '<set-backend-service backend-id="legacy-backend" />';
const KEY_HEADER = '<set-header name="api-key" exists-action="override"><value>{{legacy-key}}</value></set-header>';
const IDENTITY = '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />';
const IDENTITY_INTO_VARIABLE =
  '<authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="msi" />';
const BEARER_HEADER =
  '<set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["msi"])</value></set-header>';
const IDENTITY_IGNORING_ERRORS =
  '<authentication-managed-identity resource="https://cognitiveservices.azure.com" ignore-error="true" />';
const CONDITIONAL = `<choose><when condition="@(context.Request.Headers.ContainsKey(&quot;x&quot;))">${JWT}</when></choose>`;
const RATE_LIMIT = '<rate-limit calls="5" renewal-period="60" />';
const COMMENT = "<!-- written by hand -->";

const profiles = {
  entraKey: sampleProfiles["apikey-header--entra"],
  jwtIdentity: {
    ...sampleProfiles["managed-identity-policy--entra"],
    callerAuth: sampleProfiles["none--jwt"].callerAuth,
  },
  backendOnly: sampleProfiles["apikey-header--none"],
  callersOnly: sampleProfiles["none--jwt"],
  backendEntity: sampleProfiles["apikey-backend--entra"],
} satisfies Record<string, AccessProfile>;

/** A policy whose `<inbound>` holds these lines after `<base />`, eight spaces in, with `eol` line ends. */
function policyWith(lines: readonly string[], eol = "\n"): string {
  return [
    "<policies>",
    "    <inbound>",
    "        <base />",
    ...lines.map((line) => `        ${line}`),
    "    </inbound>",
    "    <outbound>",
    "        <base />",
    "    </outbound>",
    "</policies>",
  ].join(eol);
}

function merge(text: string, profile: AccessProfile, adopt: boolean): string {
  const result = mergePolicy(text, profile, { adopt });
  if (!result.ok) throw new Error(result.error.message);
  return result.text;
}

describe("mergePolicy with adopt", () => {
  it.each([
    ["validate-azure-ad-token", profiles.entraKey, [ENTRA], [COMMENT, RATE_LIMIT]],
    [
      "validate-jwt with the header that drops the caller's token",
      profiles.callersOnly,
      [JWT, DROP_TOKEN],
      [RATE_LIMIT],
    ],
    [
      "a validation whose tenant is a named value (a value the profile replaces)",
      profiles.entraKey,
      [ENTRA_NAMED_TENANT],
      [RATE_LIMIT],
    ],
    ["set-backend-service backend-id, whatever its entity holds", profiles.backendEntity, [BACKEND], [RATE_LIMIT]],
    ["a {{named value}} header", profiles.backendOnly, [KEY_HEADER], [RATE_LIMIT]],
    ["authentication-managed-identity", profiles.jwtIdentity, [IDENTITY], [RATE_LIMIT]],
    [
      "a managed identity token in a variable and the Authorization header sending it",
      profiles.jwtIdentity,
      [IDENTITY_INTO_VARIABLE, BEARER_HEADER, JWT],
      [RATE_LIMIT],
    ],
  ])("takes over %s", (_what, profile, taken, kept) => {
    const original = policyWith([...taken, ...kept]);
    const adopted = merge(original, profile, true);
    expect(adopted).toBe(merge(policyWith(kept), profile, false));
    for (const statement of taken) expect(adopted).not.toContain(statement);
  });

  it.each([
    ["a conditional validation", profiles.entraKey, [CONDITIONAL, KEY_HEADER], [KEY_HEADER]],
    ["a second validation", profiles.entraKey, [ENTRA, JWT], [ENTRA]],
    [
      "a validation with a setting the profile cannot describe (an output variable)",
      profiles.entraKey,
      [JWT_OUTPUT_VARIABLE, KEY_HEADER],
      [KEY_HEADER],
    ],
    ["a managed identity that ignores errors", profiles.jwtIdentity, [IDENTITY_IGNORING_ERRORS, JWT], [JWT]],
    [
      "the caller validation when the profile validates no callers",
      profiles.backendOnly,
      [JWT, DROP_TOKEN, KEY_HEADER],
      [KEY_HEADER],
    ],
    ["the backend authentication when the profile has none", profiles.callersOnly, [JWT, KEY_HEADER], [JWT]],
    ["a routing set-backend-service next to a managed identity", profiles.jwtIdentity, [IDENTITY, BACKEND], [IDENTITY]],
  ])("leaves %s", (_what, profile, lines, taken) => {
    const kept = lines.filter((line) => !taken.includes(line));
    expect(merge(policyWith(lines), profile, true)).toBe(merge(policyWith(kept), profile, false));
  });

  it("changes nothing when the document already has a managed block, or when the profile writes none", () => {
    const managed = merge(policyWith([RATE_LIMIT]), profiles.entraKey, false).replace(
      END_MARKER,
      `${END_MARKER}\n        ${JWT}`,
    );
    expect(merge(managed, profiles.callersOnly, true)).toBe(merge(managed, profiles.callersOnly, false));
    const handWritten = policyWith([JWT, KEY_HEADER]);
    expect(merge(handWritten, sampleProfiles["none--none"], true)).toBe(handWritten);
  });

  it("is idempotent: merging the result again, with or without adopt, gives the same bytes", () => {
    const once = merge(policyWith([COMMENT, ENTRA, RATE_LIMIT, KEY_HEADER]), profiles.entraKey, true);
    expect(merge(once, profiles.entraKey, true)).toBe(once);
    expect(merge(once, profiles.entraKey, false)).toBe(once);
  });

  it("removes CRLF lines of a policy APIM re-serialised", () => {
    const adopted = merge(policyWith([ENTRA, RATE_LIMIT, KEY_HEADER], "\r\n"), profiles.entraKey, true);
    expect(adopted).toBe(merge(policyWith([RATE_LIMIT], "\r\n"), profiles.entraKey, false));
    expect(adopted.replace(/\r\n/g, "")).not.toMatch(/\n|\r/);
  });

  it("puts the block where the first statement was when <inbound> does not start with <base />, and keeps what shares a line", () => {
    const text = `<policies>\n  <inbound>\n    ${ENTRA}\n    ${KEY_HEADER}${RATE_LIMIT}\n    <base />\n  </inbound>\n</policies>`;
    const adopted = merge(text, profiles.entraKey, true);
    expect(adopted.startsWith(`<policies>\n  <inbound>\n    ${BEGIN_MARKER}\n`)).toBe(true);
    expect(adopted.endsWith(`${END_MARKER}${RATE_LIMIT}\n    <base />\n  </inbound>\n</policies>`)).toBe(true);
  });

  it("keeps rawxml expressions of the statements it leaves byte for byte", () => {
    const expression =
      '<set-variable name="caller" value="@(context.Request.Headers.GetValueOrDefault("x-client-id", "anonymous"))" />';
    const result = mergePolicy(policyWith([ENTRA_NAMED_TENANT, expression, BACKEND]), profiles.backendEntity, {
      adopt: true,
    });
    expect(result).toEqual({
      ok: true,
      format: "rawxml",
      text: merge(policyWith([expression]), profiles.backendEntity, false),
    });
  });
});
