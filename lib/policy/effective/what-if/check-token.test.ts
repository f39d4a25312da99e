/** The what-if over whole pipelines: the other caller checks, control flow, on-error, the backend credential, bad input. */
import { describe, expect, it } from "vitest";
import {
  API_KEY_HEADER,
  BEGIN,
  CLIENT_A,
  CLIENT_B,
  END,
  ENTRA_TENANT,
  entraValidation,
  policy,
  scopes,
} from "../__fixtures__/scope-documents";
import { entraClaims, jwt, NOW } from "../__fixtures__/tokens";
import { composeEffectivePipeline } from "../compose-pipeline";
import type { AccessFacts, EffectivePipelineInput } from "../effective-input";
import { checkToken, type TokenCheckRequest } from "./check-token";

const TOKEN = jwt(entraClaims(ENTRA_TENANT, CLIENT_A));

function decide(input: EffectivePipelineInput, request: Partial<TokenCheckRequest> = {}, facts: AccessFacts = {}) {
  const result = checkToken(
    composeEffectivePipeline(input),
    { token: TOKEN, at: NOW, ...request } as TokenCheckRequest,
    facts,
  );
  if (!result.ok) throw new Error(result.error);
  return result;
}

const inbound = (...statements: string[]) => scopes({ api: policy({ inbound: ["<base />", ...statements] }) });

describe("checkToken: other caller checks", () => {
  it('check-header: "If the check fails, the policy terminates request processing and returns the HTTP status code and error message specified by the policy"', () => {
    const check = (values: string, ignoreCase = "false") =>
      `<check-header name="x-client" failed-check-httpcode="403" failed-check-error-message="Client not allowed" ignore-case="${ignoreCase}">${values}</check-header>`;
    expect(decide(inbound(check("<value>web</value>")), { headers: { "X-Client": "web" } }).decision).toBe("allowed");
    expect(decide(inbound(check("<value>web</value>")), { headers: { "x-client": "WEB" } })).toMatchObject({
      decision: "denied",
      response: { status: 403, message: "Client not allowed" },
    });
    // "If set to true, case is ignored when the header value is compared against the set of acceptable values."
    expect(decide(inbound(check("<value>web</value>", "true")), { headers: { "x-client": "WEB" } }).decision).toBe(
      "allowed",
    );
    // The header missing fails; a header the what-if says nothing about is undetermined.
    expect(decide(inbound('<set-header name="x-client" exists-action="delete" />', check(""))).decision).toBe("denied");
    expect(decide(inbound(check(""))).decision).toBe("undetermined");
    // The Authorization header carries the token; a presence check passes without repeating it.
    const auth =
      '<check-header name="Authorization" failed-check-httpcode="401" failed-check-error-message="Not authorized" ignore-case="false" />';
    expect(decide(inbound(auth)).decision).toBe("allowed");
  });

  it("ip-filter: \"If action is set to allow, requests that don't match any address or address-range are denied. If action is set to forbid, requests that don't match any address or address-range are allowed.\"", () => {
    const allow =
      '<ip-filter action="allow"><address>13.66.201.169</address><address-range from="13.66.140.128" to="13.66.140.143" /></ip-filter>';
    expect(decide(inbound(allow), { callerIp: "13.66.140.130" }).decision).toBe("allowed");
    expect(decide(inbound(allow), { callerIp: "10.0.0.1" })).toMatchObject({
      decision: "denied",
      response: { status: null, message: "Caller IP address 10.0.0.1 is not allowed. Access denied." },
    });
    const forbid = allow.replace("allow", "forbid");
    expect(decide(inbound(forbid), { callerIp: "13.66.201.169" }).response?.message).toBe(
      "Caller IP address is blocked. Access denied.",
    );
    expect(decide(inbound(forbid), { callerIp: "10.0.0.1" }).decision).toBe("allowed");
    expect(decide(inbound(allow)).decision).toBe("undetermined");
  });

  it('return-response: "cancels pipeline execution and returns either a default or custom response to the caller. Default response is 200 OK with no body."', () => {
    expect(decide(inbound("<return-response />"))).toMatchObject({
      decision: "denied",
      decidedBy: { element: "return-response", line: 4 },
      response: { status: 200 },
    });
    const forbidden = '<return-response><set-status code="403" reason="Forbidden" /></return-response>';
    expect(decide(inbound(forbidden)).response?.status).toBe(403);
  });
});

describe("checkToken: control flow", () => {
  const guarded = (condition: string) =>
    inbound(
      entraValidation(),
      `<choose><when condition="${condition}"><return-response><set-status code="403" reason="no" /></return-response></when></choose>`,
      API_KEY_HEADER,
    );

  it('choose: "Policy statement(s) enclosed within the first <when/> element with condition attribute equals true will be applied" — Boolean constants and named values decide', () => {
    expect(decide(guarded("true")).decidedBy).toMatchObject({ element: "return-response" });
    expect(decide(guarded("False")).decision).toBe("allowed");
    const facts = { namedValues: [{ name: "closed", secret: false, value: "true" }] };
    expect(decide(guarded("{{closed}}"), {}, facts).decision).toBe("denied");
  });

  it("a condition the engine cannot decide is undetermined with its line, and both outcomes are listed — never guessed", () => {
    const result = decide(guarded("@(context.Request.Method == &quot;GET&quot;)"));
    expect(result.decision).toBe("undetermined");
    expect(result.outcomes.map((outcome) => [outcome.decision, outcome.decidedBy?.element])).toEqual([
      ["denied", "return-response"],
      ["allowed", "validate-azure-ad-token"],
    ]);
    expect(result.outcomes[0]?.when).toEqual([
      '<when> on line 5 of the API policy holds (the policy expression @(context.Request.Method == "GET") is not evaluated)',
    ]);
  });

  it("an undecided condition whose branches do not bear on access does not make the decision undetermined", () => {
    const unrelated = '<choose><when condition="@(true)"><set-variable name="x" value="1" /></when></choose>';
    const result = decide(inbound(unrelated, entraValidation(), API_KEY_HEADER));
    expect(result.decision).toBe("allowed");
    expect(result.outcomes).toHaveLength(1);
  });

  it("include-fragment that was not given stops the decision where it stands, unless the call is decided before", () => {
    const fragment = '<include-fragment fragment-id="extra" />';
    expect(decide(inbound(entraValidation(), fragment)).decision).toBe("undetermined");
    const refused = jwt(entraClaims(ENTRA_TENANT, CLIENT_B));
    expect(decide(inbound(entraValidation(), fragment), { token: refused }).decision).toBe("denied");
  });

  it('on-error: "If an error occurs … Execution jumps to the statements in the on-error section" — statements there that may change the answer are listed', () => {
    const api = policy({
      inbound: ["<base />", entraValidation()],
      "on-error": [
        "<base />",
        '<choose><when condition="@(true)"><return-response><set-status code="418" reason="x" /></return-response></when></choose>',
      ],
    });
    const result = decide(scopes({ api }), { token: jwt(entraClaims(ENTRA_TENANT, CLIENT_B)) });
    expect(result.response?.mayBeChangedBy).toEqual([
      { element: "return-response", scope: "api", line: 14, column: 35 },
    ]);
  });
});

describe("checkToken: the credential APIM attaches to the backend call", () => {
  it("the Portcullis block's managed identity token (system-assigned or user-assigned with client id), replacing the caller's token", () => {
    const mi = (clientId = "") =>
      inbound(
        BEGIN,
        entraValidation(),
        `<authentication-managed-identity resource="https://cognitiveservices.azure.com"${clientId} output-token-variable-name="t" />`,
        '<set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["t"])</value></set-header>',
        END,
      );
    expect(decide(mi()).backendCall?.credentials).toEqual([
      {
        header: "authorization",
        description:
          "authorization header: managed identity token for resource https://cognitiveservices.azure.com (system-assigned identity)",
        setBy: { element: "set-header", scope: "api", line: 7, column: 1 },
      },
    ]);
    expect(decide(mi(` client-id="${CLIENT_B}"`)).backendCall?.credentials[0]?.description).toBe(
      `authorization header: managed identity token for resource https://cognitiveservices.azure.com (user-assigned identity, client id ${CLIENT_B})`,
    );
  });

  it('authentication-managed-identity without an output variable: "the policy will set the value of the token in the Authorization header using the Bearer scheme"', () => {
    const result = decide(
      inbound(entraValidation(), '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />'),
    );
    expect(result.backendCall?.credentials.map((credential) => credential.description)).toEqual([
      "authorization header: managed identity token for resource https://cognitiveservices.azure.com (system-assigned identity)",
    ]);
  });

  it("a backend entity: its credentials when given, and plainly not known when not", () => {
    const api = inbound(
      entraValidation(),
      '<set-header name="Authorization" exists-action="delete" />',
      '<set-backend-service backend-id="openai" />',
    );
    expect(decide(api).backendCall).toEqual({
      target: "backend 'openai'",
      credentials: [
        { header: null, description: "the credentials of backend 'openai', which were not given", setBy: null },
      ],
    });
    const backends = {
      openai: { url: "https://x.openai.azure.com", credentials: { header: { "api-key": ["{{openai-key}}"] } } },
    };
    expect(decide(api, {}, { backends }).backendCall?.credentials).toEqual([
      {
        header: "api-key",
        description: "api-key header from backend 'openai' from named value openai-key",
        setBy: null,
      },
    ]);
  });

  it("the caller's own Authorization header travels on when nothing replaces it", () => {
    expect(decide(inbound(entraValidation())).backendCall?.credentials).toEqual([
      {
        header: "Authorization",
        description: "Authorization header: the caller's own token, forwarded unchanged",
        setBy: null,
      },
    ]);
  });

  it("no forward-request on the request path: allowed, but no backend call", () => {
    const global = policy({ inbound: [], backend: [], outbound: [], "on-error": [] });
    expect(decide(scopes({ global, api: policy({ inbound: ["<base />", entraValidation()] }) }))).toMatchObject({
      decision: "allowed",
      backendCall: null,
    });
  });
});

describe("checkToken: across scopes", () => {
  it("a product policy that strips Authorization makes the API's validation see no token: denied, 'JWT not present.'", () => {
    const product = policy({ inbound: ['<set-header name="Authorization" exists-action="delete" />', "<base />"] });
    const api = policy({ inbound: ["<base />", BEGIN, entraValidation(), API_KEY_HEADER, END] });
    expect(decide({ ...scopes({ api, product }) })).toMatchObject({
      decision: "denied",
      decidedBy: { element: "validate-azure-ad-token", scope: "api" },
      response: { status: 401, message: "JWT not present." },
      productId: "standard",
    });
  });

  it("an operation that drops <base /> lets every token in, even another client's", () => {
    const api = policy({ inbound: ["<base />", entraValidation(), API_KEY_HEADER] });
    const operation = policy({ inbound: [API_KEY_HEADER] });
    const result = decide(scopes({ api, operation }), { token: jwt(entraClaims(ENTRA_TENANT, CLIENT_B)) });
    expect(result).toMatchObject({ decision: "allowed", decidedBy: null, operationId: "completions" });
    expect(result.summary).toBe("Allowed: no statement on the request path checks the caller.");
  });

  it("an unreadable scope on the request path is undetermined", () => {
    const result = decide(scopes({ product: { status: "unreadable", reason: "ARM answered 403" } }));
    expect(result.decision).toBe("undetermined");
    expect(result.decidedBy).toMatchObject({ scope: "product" });
  });

  it("says what it assumes: the subscription key, where the token is sent", () => {
    const result = decide(scopes(), {}, { subscriptionRequired: true });
    expect(result.assumptions.join(" ")).toContain("valid subscription key");
  });
});

describe("checkToken: bad input", () => {
  const pipeline = composeEffectivePipeline(scopes());
  it.each([
    ["not-a-jwt", "the token has 1 part separated by '.'; a JWT has 3"],
    ["a.b.c.d.e", "the token has 5 parts: it is an encrypted JWT (JWE), whose claims cannot be read"],
    ["a$.b.c", "the token's header is not base64url-encoded"],
    [`${Buffer.from("{}").toString("base64url")}.e30.`, "the token's header has no alg (string)"],
    [`${Buffer.from('{"alg":"RS256"}').toString("base64url")}.bm90IGpzb24.x`, "the token's payload is not JSON"],
    [jwt({ exp: "tomorrow" }), "claim exp must be a number of seconds since 1970 (a JWT NumericDate)"],
    [jwt({ aud: [1] }), "claim aud must be a string or an array of strings"],
  ])("refuses %j naming what is wrong, without repeating the token", (token, message) => {
    expect(checkToken(pipeline, { token, at: NOW })).toEqual({ ok: false, error: message });
  });

  it("refuses claims that are not an object, and an invalid instant", () => {
    expect(checkToken(pipeline, { claims: ["x"], at: NOW })).toEqual({
      ok: false,
      error: "the claims must be a JSON object of claims",
    });
    expect(checkToken(pipeline, { claims: {}, at: new Date("nope") })).toEqual({
      ok: false,
      error: "the instant is not a valid date",
    });
  });

  it("never puts the token in its result", () => {
    const denied = jwt(entraClaims(ENTRA_TENANT, CLIENT_B));
    const check =
      '<check-header name="Authorization" failed-check-httpcode="401" ignore-case="false"><value>x</value></check-header>';
    const result = decide(inbound(check, entraValidation()), { token: denied });
    expect(result.decision).toBe("denied");
    expect(JSON.stringify(result)).not.toContain(denied.split(".")[1]);
  });
});
