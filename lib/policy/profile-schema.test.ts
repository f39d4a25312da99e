import { describe, expect, it } from "vitest";
import { sampleProfiles } from "./__fixtures__/sample-profiles";
import { validateAccessProfile } from "./profile-schema";

const valid = sampleProfiles["apikey-header--entra"];
const jwtProfile = sampleProfiles["managed-identity-backend--jwt"];

function issuesOf(input: unknown) {
  const result = validateAccessProfile(input);
  if (result.ok) throw new Error("expected the profile to be refused");
  return result.issues;
}

describe("validateAccessProfile", () => {
  it("accepts every sample and applies defaults", () => {
    for (const profile of Object.values(sampleProfiles))
      expect(validateAccessProfile(profile)).toEqual({ ok: true, profile });
    const minimal = validateAccessProfile({
      backendAuth: { mode: "none" },
      callerAuth: {
        mode: "entra",
        tenantId: "contoso.com",
        clientApplicationIds: ["00000000-0000-0000-0000-000000000000"],
        requiredClaims: [{ name: "roles", values: ["a"] }],
      },
    });
    expect(minimal).toMatchObject({
      ok: true,
      profile: { callerAuth: { audiences: [], requiredClaims: [{ match: "all" }] } },
    });
  });

  it.each([
    [
      "a tenant that is neither GUID nor domain",
      { ...valid, callerAuth: { ...valid.callerAuth, tenantId: "not a tenant" } },
      "callerAuth.tenantId",
      "GUID or a domain",
    ],
    [
      "a client id that is not a GUID",
      {
        ...valid,
        callerAuth: { ...valid.callerAuth, clientApplicationIds: ["11111111-2222-3333-4444-555555555555", "nope"] },
      },
      "callerAuth.clientApplicationIds[1]",
      "must be a GUID",
    ],
    [
      "a repeated client id",
      {
        ...valid,
        callerAuth: {
          ...valid.callerAuth,
          clientApplicationIds: ["11111111-2222-3333-4444-555555555555", "11111111-2222-3333-4444-555555555555"],
        },
      },
      "callerAuth.clientApplicationIds[1]",
      "repeats",
    ],
    [
      "an http: OpenID URL",
      {
        ...jwtProfile,
        callerAuth: {
          ...jwtProfile.callerAuth,
          openIdConfigUrl: "http://idp.example.com/.well-known/openid-configuration",
        },
      },
      "callerAuth.openIdConfigUrl",
      "https://",
    ],
    [
      "an empty audience list for jwt",
      { ...jwtProfile, callerAuth: { ...jwtProfile.callerAuth, audiences: [] } },
      "callerAuth.audiences",
      "at least one audience",
    ],
    [
      "a header name with a space",
      { ...valid, backendAuth: { ...valid.backendAuth, headerName: "api key" } },
      "backendAuth.headerName",
      "RFC 7230",
    ],
    [
      "a named value APIM would refuse",
      { ...valid, backendAuth: { ...valid.backendAuth, namedValue: "key/1" } },
      "backendAuth.namedValue",
      "letters, digits, period, dash and underscore",
    ],
    [
      "a named value over 256 characters",
      { ...valid, backendAuth: { ...valid.backendAuth, namedValue: "k".repeat(257) } },
      "backendAuth.namedValue",
      "at most 256",
    ],
    [
      "an audience starting with @",
      { ...valid, callerAuth: { ...valid.callerAuth, audiences: ["@(context.Request.Url.Host)"] } },
      "callerAuth.audiences[0]",
      "policy expression",
    ],
    [
      "a claim value holding {{",
      { ...valid, callerAuth: { ...valid.callerAuth, requiredClaims: [{ name: "roles", values: ["a{{secret}}"] }] } },
      "callerAuth.requiredClaims[0].values[0]",
      "named value reference",
    ],
    [
      "a message with a line break",
      { ...valid, callerAuth: { ...valid.callerAuth, failedValidation: { message: "a\nb" } } },
      "callerAuth.failedValidation.message",
      "line breaks",
    ],
    [
      "an issuer with edge whitespace",
      { ...jwtProfile, callerAuth: { ...jwtProfile.callerAuth, issuers: [" https://idp/"] } },
      "callerAuth.issuers[0]",
      "whitespace",
    ],
    [
      "an empty failedValidation",
      { ...valid, callerAuth: { ...valid.callerAuth, failedValidation: {} } },
      "callerAuth.failedValidation",
      "httpCode, message or both",
    ],
    [
      "a backend URL with credentials",
      { ...jwtProfile, backendAuth: { ...jwtProfile.backendAuth, backendUrl: "https://user:pw@foundry.example.com" } },
      "backendAuth.backendUrl",
      "credentials",
    ],
    [
      "a resource that is no URI or GUID",
      { ...jwtProfile, backendAuth: { ...jwtProfile.backendAuth, resource: "cognitiveservices" } },
      "backendAuth.resource",
      "application ID URI",
    ],
    [
      "an unknown delivery",
      { ...valid, backendAuth: { ...valid.backendAuth, delivery: "query" } },
      "backendAuth.delivery",
      "setHeader",
    ],
    [
      "an unknown field",
      { ...valid, callerAuth: { mode: "none", tenantId: "x" } },
      "callerAuth.tenantId",
      "is not a field",
    ],
  ])("refuses %s, naming the field", (_what, input, path, reason) => {
    expect(issuesOf(input)).toContainEqual({ path, message: expect.stringContaining(reason) });
  });

  it("names the whole profile when it is not an object", () => {
    expect(issuesOf("profile")).toEqual([{ path: "(profile)", message: "must be an object" }]);
  });
});
