/** validate-jwt in the what-if, one documented rule per test (quoted in the name or a comment). */
import { describe, expect, it } from "vitest";
import { API_KEY_HEADER, policy, scopes } from "../__fixtures__/scope-documents";
import { jwt, NOW, secondsFromNow } from "../__fixtures__/tokens";
import { composeEffectivePipeline } from "../compose-pipeline";
import type { AccessFacts } from "../effective-input";
import { checkToken } from "./check-token";

const ISSUER = "https://login.example.com/tenant/v2.0";
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: "https://api.example.com",
  scp: "chat.read chat.write",
  exp: secondsFromNow(600),
  ...extra,
});

function validateJwt(attributes = 'header-name="Authorization" require-scheme="Bearer"', inner = "") {
  return `<validate-jwt ${attributes}><audiences><audience>https://api.example.com</audience></audiences><issuers><issuer>${ISSUER}</issuer></issuers>${inner}</validate-jwt>`;
}

function decide(validation: string, token: string, facts: AccessFacts = {}, extra: { callerIp?: string } = {}) {
  const api = policy({ inbound: ["<base />", validation, API_KEY_HEADER] });
  const result = checkToken(composeEffectivePipeline(scopes({ api })), { token, at: NOW, ...extra }, facts);
  if (!result.ok) throw new Error(result.error);
  return result;
}

describe("validate-jwt", () => {
  it("issuers and audiences: a token with an accepted issuer and audience is allowed; others are denied with the default 401", () => {
    expect(decide(validateJwt(), jwt(claims())).decision).toBe("allowed");
    expect(decide(validateJwt(), jwt(claims({ iss: "https://evil.example.com" })))).toMatchObject({
      decision: "denied",
      response: { status: 401 },
    });
    expect(decide(validateJwt(), jwt(claims({ aud: "https://other.example.com" }))).decision).toBe("denied");
  });

  it('require-scheme: "the policy will ensure that specified scheme is present in the Authorization header value" (the what-if sends Bearer)', () => {
    expect(decide(validateJwt('header-name="Authorization" require-scheme="bearer"'), jwt(claims())).decision).toBe(
      "allowed",
    );
    expect(decide(validateJwt('header-name="Authorization" require-scheme="PoP"'), jwt(claims())).decision).toBe(
      "denied",
    );
    // The documentation's "Microsoft Entra ID single tenant token validation" example reads Authorization without require-scheme.
    expect(decide(validateJwt('header-name="Authorization"'), jwt(claims())).decision).toBe("allowed");
  });

  it('"When using a custom header (header-name), the configured required scheme (require-scheme) will be ignored"', () => {
    expect(decide(validateJwt('header-name="x-token" require-scheme="PoP"'), jwt(claims())).decision).toBe("allowed");
  });

  it("query-parameter-name: the token is read from the query; token-value (an expression) is undetermined", () => {
    expect(decide(validateJwt('query-parameter-name="access_token"'), jwt(claims())).decision).toBe("allowed");
    const expression = decide(
      validateJwt('token-value="@(context.Variables.GetValueOrDefault&lt;string&gt;(&quot;t&quot;))"'),
      jwt(claims()),
    );
    expect(expression.decision).toBe("undetermined");
    // "One of header-name, query-parameter-name or token-value must be specified."
    expect(decide(validateJwt(""), jwt(claims())).decision).toBe("undetermined");
  });

  it('"The validate-jwt policy requires that the exp registered claim is included in the JWT token, unless require-expiration-time attribute is specified and set to false"', () => {
    const noExp = jwt(claims({ exp: undefined }));
    expect(decide(validateJwt(), noExp).decision).toBe("denied");
    expect(decide(validateJwt('header-name="Authorization" require-expiration-time="false"'), noExp).decision).toBe(
      "allowed",
    );
  });

  it('clock-skew: "maximum expected time difference between the system clocks of the token issuer and the API Management instance", default "0 seconds"', () => {
    const expired = jwt(claims({ exp: secondsFromNow(-30) }));
    expect(decide(validateJwt(), expired).decision).toBe("denied");
    expect(decide(validateJwt('header-name="Authorization" clock-skew="60"'), expired).decision).toBe("allowed");
    expect(decide(validateJwt(), jwt(claims({ nbf: secondsFromNow(30) }))).decision).toBe("denied");
    expect(
      decide(validateJwt('header-name="Authorization" clock-skew="60"'), jwt(claims({ nbf: secondsFromNow(30) })))
        .decision,
    ).toBe("allowed");
    // The token is not accepted at exp itself (RFC 7519: "on or after").
    expect(decide(validateJwt(), jwt(claims({ exp: secondsFromNow(0) }))).decision).toBe("denied");
  });

  it('require-signed-tokens: "Specifies whether a token is required to be signed", default true — and a signed token\'s signature is not checked', () => {
    const unsigned = jwt(claims(), { alg: "none" });
    expect(decide(validateJwt(), unsigned).decision).toBe("denied");
    expect(decide(validateJwt('header-name="Authorization" require-signed-tokens="false"'), unsigned).decision).toBe(
      "allowed",
    );
    const signed = decide(validateJwt(), jwt(claims()));
    expect(signed.steps[0]?.details).toContain("the token's signature is not checked");
  });

  it('required-claims: missing claims get the documented "JWT token is missing the following claims: <c1>, <c2>, … Access denied."; mismatched values "Claim {claim-name} value of {claim-value} is not allowed. Access denied."', () => {
    const required =
      '<required-claims><claim name="roles"><value>Chat.Use</value></claim><claim name="tid"><value>t</value></claim></required-claims>';
    expect(decide(validateJwt(undefined, required), jwt(claims())).response).toMatchObject({
      status: 401,
      message: "JWT token is missing the following claims: roles, tid. Access denied.",
      source: "the documented default status 401; the message APIM documents for this failure",
    });
    const mismatch = decide(
      validateJwt(
        undefined,
        '<required-claims><claim name="scp" separator=" "><value>admin</value></claim></required-claims>',
      ),
      jwt(claims()),
    );
    expect(mismatch.response?.message).toBe("Claim scp value of chat.read,chat.write is not allowed. Access denied.");
  });

  it('failed-validation-error-message: "Error message to return in the HTTP response body if the JWT doesn\'t pass validation"', () => {
    const custom = validateJwt(
      'header-name="Authorization" failed-validation-httpcode="403" failed-validation-error-message="Unauthorized. Access token is missing or invalid."',
    );
    expect(decide(custom, jwt(claims({ aud: "x" }))).response).toMatchObject({
      status: 403,
      message: "Unauthorized. Access token is missing or invalid.",
    });
  });

  it('openid-config: the issuer is "obtained" from the configuration — taken from the given OpenID configurations, undetermined without them', () => {
    const config =
      '<validate-jwt header-name="Authorization"><openid-config url="https://login.example.com/.well-known/openid-configuration" /></validate-jwt>';
    expect(decide(config, jwt(claims())).decision).toBe("undetermined");
    const facts: AccessFacts = {
      openIdConfigurations: { "https://login.example.com/.well-known/openid-configuration": { issuer: ISSUER } },
    };
    expect(decide(config, jwt(claims()), facts).decision).toBe("allowed");
    expect(decide(config, jwt(claims({ iss: "https://evil.example.com" })), facts).decision).toBe("denied");
  });
});
