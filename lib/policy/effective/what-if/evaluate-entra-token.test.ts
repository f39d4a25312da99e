/** validate-azure-ad-token in the what-if, one documented rule per test (quoted in the name or a comment). */
import { describe, expect, it } from "vitest";
import {
  API_KEY_HEADER,
  CLIENT_A,
  CLIENT_B,
  ENTRA_TENANT,
  entraValidation,
  policy,
  scopes,
} from "../__fixtures__/scope-documents";
import { entraClaims, jwt, NOW, secondsFromNow } from "../__fixtures__/tokens";
import { composeEffectivePipeline } from "../compose-pipeline";
import type { AccessFacts } from "../effective-input";
import { checkToken, type TokenCheckRequest } from "./check-token";

function decide(validation: string, token: TokenCheckRequest | string, facts: AccessFacts = {}) {
  const api = policy({ inbound: ["<base />", validation, API_KEY_HEADER] });
  const request = typeof token === "string" ? { token, at: NOW } : token;
  const result = checkToken(composeEffectivePipeline(scopes({ api })), request, facts);
  if (!result.ok) throw new Error(result.error);
  return result;
}

const allowed = (extra: Record<string, unknown> = {}) => jwt(entraClaims(ENTRA_TENANT, CLIENT_A, extra));

describe("validate-azure-ad-token", () => {
  it('"It expects the JWT to be provided in the default Authorization header using the Bearer scheme": an allowed client\'s v2.0 token is allowed, by that statement', () => {
    const result = decide(entraValidation(), allowed());
    expect(result).toMatchObject({
      decision: "allowed",
      decidedBy: { element: "validate-azure-ad-token", scope: "api", line: 4 },
      response: null,
      backendCall: {
        target: "the API's service URL",
        credentials: [
          { header: "Authorization", description: "Authorization header: the caller's own token, forwarded unchanged" },
          { header: "api-key", description: "api-key header from named value openai-key" },
        ],
      },
    });
    expect(result.signature).toContain("NOT checked");
    expect(result.steps).toEqual([
      {
        statement: { element: "validate-azure-ad-token", scope: "api", line: 4, column: 1 },
        result: "passed",
        details: ["the token's signature is not checked"],
      },
    ]);
  });

  it("the tenant's v1.0 issuer (https://sts.windows.net/{tenant}/) with the client in appid is accepted too (access token reference: appid in v1.0, azp in v2.0)", () => {
    const v1 = jwt({
      ...entraClaims(ENTRA_TENANT, CLIENT_A),
      iss: `https://sts.windows.net/${ENTRA_TENANT}/`,
      azp: undefined,
      appid: CLIENT_A,
      ver: "1.0",
    });
    expect(decide(entraValidation(), v1).decision).toBe("allowed");
  });

  it("a token of another tenant is denied with failed-validation-httpcode's default 401", () => {
    const other = jwt(entraClaims("00000000-0000-0000-0000-0000000000aa", CLIENT_A));
    const result = decide(entraValidation(), other);
    expect(result).toMatchObject({
      decision: "denied",
      decidedBy: { line: 4 },
      response: { status: 401, message: null },
    });
    expect(result.steps[0]?.details[0]).toContain("is not tenant 72f988bf-86f1-41af-91ab-2d7cd011db47's");
    expect(result.response?.source).toContain("the documentation does not give");
  });

  it('client-application-ids: "each value is tried until either all are exhausted (in which case validation fails) or until one succeeds" (application ids are GUIDs, compared as GUIDs)', () => {
    const lettered = "abcdef01-2222-3333-4444-5555555555ee";
    const both = `<client-application-ids><application-id>${CLIENT_B}</application-id><application-id>${lettered.toUpperCase()}</application-id></client-application-ids>`;
    expect(decide(entraValidation("", both), jwt(entraClaims(ENTRA_TENANT, lettered))).decision).toBe("allowed");
    const onlyB = `<client-application-ids><application-id>${CLIENT_B}</application-id></client-application-ids>`;
    const result = decide(entraValidation("", onlyB), allowed());
    expect(result.decision).toBe("denied");
    expect(result.steps[0]?.details).toEqual([`client application (azp or appid) '${CLIENT_A}' is not accepted`]);
  });

  it('audiences: "Contains a list of acceptable audience claims … each value is tried … until one succeeds"; an array aud matches by any item', () => {
    const audiences = `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids><audiences><audience>api://other</audience><audience>api://portcullis-chat</audience></audiences>`;
    expect(decide(entraValidation("", audiences), allowed()).decision).toBe("allowed");
    expect(decide(entraValidation("", audiences), allowed({ aud: ["x", "api://other"] })).decision).toBe("allowed");
    expect(decide(entraValidation("", audiences), allowed({ aud: "api://nope" })).decision).toBe("denied");
  });

  it('required-claims: "When the match attribute is set to all, every claim value in the policy must be present in the token"; "any - at least one claim value"; separator "for extracting a set of values from a multi-valued claim"', () => {
    const claims = (claim: string) =>
      `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids><required-claims>${claim}</required-claims>`;
    const all = claims(
      '<claim name="scp" match="all" separator=" "><value>chat.read</value><value>chat.write</value></claim>',
    );
    expect(decide(entraValidation("", all), allowed({ scp: "chat.write chat.read" })).decision).toBe("allowed");
    expect(decide(entraValidation("", all), allowed({ scp: "chat.read" })).decision).toBe("denied");
    const any = claims('<claim name="roles" match="any"><value>Chat.Use</value><value>Chat.Admin</value></claim>');
    expect(decide(entraValidation("", any), allowed({ roles: ["Chat.Admin"] })).decision).toBe("allowed");
    const missing = decide(entraValidation("", any), allowed());
    expect(missing.steps[0]?.details).toEqual(["the token lacks the required claim roles"]);
    // "match … Default: all".
    const byDefault = claims('<claim name="roles"><value>Chat.Use</value><value>Chat.Admin</value></claim>');
    expect(decide(entraValidation("", byDefault), allowed({ roles: ["Chat.Admin"] })).decision).toBe("denied");
  });

  it("exp and nbf: refused when expired, or not yet valid, by more than the 5 minutes a skew could explain; undetermined within them (the documentation gives validate-azure-ad-token no clock skew)", () => {
    expect(decide(entraValidation(), allowed({ exp: secondsFromNow(-301) })).decision).toBe("denied");
    const recent = decide(entraValidation(), allowed({ exp: secondsFromNow(-30) }));
    expect(recent.decision).toBe("undetermined");
    expect(recent.outcomes.map((outcome) => outcome.decision).sort()).toEqual(["allowed", "denied"]);
    expect(decide(entraValidation(), allowed({ nbf: secondsFromNow(600) })).decision).toBe("denied");
    expect(decide(entraValidation(), allowed({ nbf: secondsFromNow(60) })).decision).toBe("undetermined");
    expect(decide(entraValidation(), allowed({ exp: secondsFromNow(1) })).decision).toBe("allowed");
  });

  it('failed-validation-httpcode and failed-validation-error-message: "HTTP status code to return if the JWT doesn\'t pass validation"', () => {
    const custom = entraValidation(' failed-validation-httpcode="403" failed-validation-error-message="Not for you."');
    const result = decide(custom, jwt(entraClaims(ENTRA_TENANT, CLIENT_B)));
    expect(result.response).toMatchObject({
      status: 403,
      message: "Not for you.",
      source: "the status the statement sets; the message the statement sets",
    });
  });

  it('"Default error message depends on validation issue, for example "JWT not present."": the Authorization header removed before validation', () => {
    const strip = '<set-header name="Authorization" exists-action="delete" />';
    const api = policy({ inbound: ["<base />", strip, entraValidation(), API_KEY_HEADER] });
    const result = checkToken(composeEffectivePipeline(scopes({ api })), { token: allowed(), at: NOW });
    expect(result).toMatchObject({ decision: "denied", response: { status: 401, message: "JWT not present." } });
  });

  it("named-value references are resolved from the non-secret named values given, and undetermined otherwise — never guessed", () => {
    const validation = `<validate-azure-ad-token tenant-id="{{tenant}}"><client-application-ids><application-id>{{client}}</application-id></client-application-ids></validate-azure-ad-token>`;
    const given: AccessFacts = {
      namedValues: [
        { name: "tenant", secret: false, value: ENTRA_TENANT },
        { name: "client", secret: false, value: CLIENT_A },
      ],
    };
    expect(decide(validation, allowed(), given).decision).toBe("allowed");
    expect(decide(validation, allowed()).decision).toBe("undetermined");
    // A secret's value is never used, even when a caller passes one by mistake.
    const secret: AccessFacts = {
      namedValues: [
        { name: "tenant", secret: true, value: ENTRA_TENANT },
        { name: "client", secret: false, value: CLIENT_A },
      ],
    };
    expect(decide(validation, allowed(), secret).decision).toBe("undetermined");
  });

  it("a policy expression is undetermined, never evaluated", () => {
    const expression = `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids><audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences>`;
    const result = decide(entraValidation("", expression), allowed());
    expect(result.decision).toBe("undetermined");
    expect(result.outcomes.flatMap((outcome) => outcome.when).join(" ")).toContain("is not evaluated");
  });

  it('backend-application-ids: "only required in advanced cases" — its effect is not documented, so undetermined', () => {
    const backend = `<client-application-ids><application-id>${CLIENT_A}</application-id></client-application-ids><backend-application-ids><application-id>${CLIENT_B}</application-id></backend-application-ids>`;
    expect(decide(entraValidation("", backend), allowed()).decision).toBe("undetermined");
  });

  it("a tenant given as a domain: issuers of no Entra form are refused, Entra issuers are undetermined (the domain's tenant id is not known)", () => {
    const domain = entraValidation().replace(ENTRA_TENANT, "contoso.onmicrosoft.com");
    expect(decide(domain, allowed()).decision).toBe("undetermined");
    expect(decide(domain, allowed({ iss: "https://idp.example.com" })).decision).toBe("denied");
  });

  it("an unsigned token is refused: the policy validates Microsoft Entra's signed tokens", () => {
    const unsigned = jwt(entraClaims(ENTRA_TENANT, CLIENT_A), { alg: "none" });
    const result = decide(entraValidation(), unsigned);
    expect(result.decision).toBe("denied");
    expect(result.signature).toContain("not signed");
  });

  it("a claims object is evaluated like a token's claims, and the result says no signature is checked", () => {
    const result = decide(entraValidation(), { claims: entraClaims(ENTRA_TENANT, CLIENT_A), at: NOW });
    expect(result.decision).toBe("allowed");
    expect(result.signature).toContain("No signature is checked");
  });
});
