import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxServiceIdentity } from "../apim/seed/service-identity";
import { ARM_AUDIENCE } from "../sandbox-coordinates";
import { startTestGateway, type TestGateway } from "./test-support/test-gateway";

/**
 * The gateway's statements against their documented behaviour, through real HTTPS calls with
 * real tokens from the sandbox identity provider. Each test quotes the sentence it follows.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  // A test API on the Foundry account, no subscription required, whose policy each test sets.
  await gw.putApi("probe", { displayName: "Probe", path: "probe", subscriptionRequired: false });
  await gw.putOperation("probe", "chat", { method: "POST", urlTemplate: "/chat/completions" });
});
afterAll(async () => {
  await gw?.close();
});

const FOUNDRY = "https://portcullis-sandbox-foundry.services.ai.azure.com/models";
const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hello" }], max_tokens: 1 };

function policy(inbound: string, backend = "<base />", outbound = "<base />", onError = "<base />"): string {
  return `<policies><inbound><base />${inbound}</inbound><backend>${backend}</backend><outbound>${outbound}</outbound><on-error>${onError}</on-error></policies>`;
}

const call = (headers: Record<string, string> = {}) =>
  gw.call("/probe/chat/completions?api-version=2024-05-01-preview", { headers, body: chat });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The caller check used below, as Portcullis renders it, for caller client 0 only. */
function entraCheck(extra = ""): string {
  const c = gw.coordinates;
  return `<validate-azure-ad-token tenant-id="${c.tenantId}">
      <client-application-ids><application-id>${c.callerClients[0]!.clientId}</application-id></client-application-ids>
      <audiences><audience>${c.llmApiAudience}</audience></audiences>${extra}
    </validate-azure-ad-token>`;
}
const managedIdentityToModel = `<set-header name="Authorization" exists-action="delete" />
    <authentication-managed-identity resource="https://cognitiveservices.azure.com" />
    <set-backend-service base-url="${FOUNDRY}" />`;

describe("validate-azure-ad-token", () => {
  it("lets in an allowed client's token and refuses other clients, audiences and tenants with 401", async () => {
    // "client-application-ids: Contains a list of acceptable client application IDs."
    await gw.putApiPolicy("probe", policy(entraCheck() + managedIdentityToModel));
    expect((await call(bearer(await gw.callerToken(0)))).status).toBe(200);

    const otherClient = await call(bearer(await gw.callerToken(1)));
    expect(otherClient.status).toBe(401);
    expect(otherClient.json).toEqual({
      statusCode: 401,
      message: `Claim azp value of ${gw.coordinates.callerClients[1]!.clientId} is not allowed. Access denied.`,
    });

    // "audiences: Contains a list of acceptable audience claims that can be present on the token."
    const armToken = await gw.token(gw.coordinates.callerClients[0]!, `${ARM_AUDIENCE}.default`);
    expect((await call(bearer(armToken))).json).toMatchObject({
      message: expect.stringContaining("Audience validation failed"),
    });

    const otherTenant = gw.sandbox.identityProvider.otherTenant.callerClients[0]!;
    const foreign = await gw.token(otherTenant, `${gw.coordinates.llmApiAudience}/.default`, "other");
    expect((await call(bearer(foreign))).status).toBe(401);
  });

  it('answers "JWT not present." without a token, and the configured status and message when set', async () => {
    // failed-validation-error-message default: "Default error message depends on validation issue, for example "JWT not present.""
    await gw.putApiPolicy("probe", policy(entraCheck() + managedIdentityToModel));
    expect((await call()).json).toEqual({ statusCode: 401, message: "JWT not present." });

    await gw.putApiPolicy(
      "probe",
      policy(
        entraCheck().replace(
          "<validate-azure-ad-token ",
          '<validate-azure-ad-token failed-validation-httpcode="403" failed-validation-error-message="Caller not allowed." ',
        ) + managedIdentityToModel,
      ),
    );
    expect(await call(bearer(await gw.callerToken(1)))).toMatchObject({
      status: 403,
      json: { statusCode: 403, message: "Caller not allowed." },
    });
  });

  it("checks required claims: a client without the role is refused, one with it passes", async () => {
    // "When the match attribute is set to any, at least one claim must be present in the token for validation to succeed."
    const c = gw.coordinates;
    await gw.putApiPolicy(
      "probe",
      policy(`<validate-azure-ad-token tenant-id="${c.tenantId}">
        <client-application-ids><application-id>${c.callerClients[0]!.clientId}</application-id><application-id>${c.callerClients[1]!.clientId}</application-id></client-application-ids>
        <required-claims><claim name="roles" match="any"><value>LLM.Chat</value></claim></required-claims>
      </validate-azure-ad-token>${managedIdentityToModel}`),
    );
    expect((await call(bearer(await gw.callerToken(0)))).status).toBe(200);
    expect((await call(bearer(await gw.callerToken(1)))).json).toEqual({
      statusCode: 401,
      message: "JWT token is missing the following claims: roles. Access denied.",
    });
  });

  it("fetches the tenant's OpenID configuration once and serves later calls from its cache", async () => {
    // "Configuration including the JSON Web Key Set (JWKS) is pulled from the endpoint every 1 hour and cached."
    await gw.putApiPolicy("probe", policy(entraCheck() + managedIdentityToModel));
    const token = await gw.callerToken(0);
    await call(bearer(token));
    const before = gw.stats().openIdConfigurationFetches;
    for (let i = 0; i < 5; i++) expect((await call(bearer(token))).status).toBe(200);
    expect(gw.stats().openIdConfigurationFetches).toBe(before);
  });
});

describe("validate-jwt", () => {
  it("validates against the OpenID configuration's keys and issuer, with require-scheme and required claims", async () => {
    // "openid-config: … specify a compliant OpenID configuration endpoint URL from which signing keys and issuer can be obtained."
    const c = gw.coordinates;
    await gw.putApiPolicy(
      "probe",
      policy(`<validate-jwt header-name="Authorization" require-scheme="Bearer">
        <openid-config url="${c.authorityHost}/${c.tenantId}/v2.0/.well-known/openid-configuration" />
        <audiences><audience>${c.llmApiAudience}</audience></audiences>
        <required-claims><claim name="roles" match="all"><value>LLM.Chat</value></claim></required-claims>
      </validate-jwt>${managedIdentityToModel}`),
    );
    const token = await gw.callerToken(0);
    expect((await call(bearer(token))).status).toBe(200);
    // "When this attribute is set, the policy will ensure that specified scheme is present in the Authorization header value."
    expect((await call({ authorization: token })).json).toEqual({ statusCode: 401, message: "JWT not present." });
    const tampered = `${token.slice(0, -4)}AAAA`;
    expect((await call(bearer(tampered))).json).toMatchObject({
      message: expect.stringContaining("Signature validation failed"),
    });
    expect((await call(bearer(await gw.callerToken(1)))).status).toBe(401);
  });
});

describe("check-header, set-header, return-response, choose", () => {
  it("check-header refuses a missing header or a value not listed with failed-check-httpcode and its message", async () => {
    // "HeaderNotFound … HeaderValueNotAllowed" (predefined errors for policies)
    await gw.putApiPolicy(
      "probe",
      policy(`<check-header name="x-team" failed-check-httpcode="403" failed-check-error-message="Team not allowed" ignore-case="true"><value>Blue</value></check-header>
        <return-response><set-status code="204" /></return-response>`),
    );
    expect((await call()).json).toEqual({ statusCode: 403, message: "Team not allowed" });
    expect((await call({ "x-team": "red" })).status).toBe(403);
    expect((await call({ "x-team": "blue" })).status).toBe(204);
  });

  it("return-response answers with its status, headers and body and skips the backend; set-header shapes them", async () => {
    // "The return-response policy cancels pipeline execution and returns either a default or custom response to the caller."
    await gw.putApiPolicy(
      "probe",
      policy(`<choose><when condition="@(context.Request.Headers.GetValueOrDefault("x-mode", "") == "teapot")">
          <return-response><set-status code="418" /><set-header name="x-from" exists-action="override"><value>{{llm-api-audience}}</value></set-header><set-body>short and stout</set-body></return-response>
        </when></choose>
        <return-response><set-status code="202" /></return-response>`),
    );
    const before = (await gw.modelCalls()).length;
    const teapot = await call({ "x-mode": "teapot" });
    expect(teapot.status).toBe(418);
    expect(teapot.text).toBe("short and stout");
    expect(teapot.headers.get("x-from")).toBe(gw.coordinates.llmApiAudience);
    expect((await call()).status).toBe(202);
    expect((await gw.modelCalls()).length).toBe(before);
  });

  it("answers 500 naming a statement it does not implement, never passing it silently", async () => {
    await gw.putApiPolicy(
      "probe",
      policy(`<ip-filter action="allow"><address>127.0.0.1</address></ip-filter>${managedIdentityToModel}`),
    );
    const answer = await call();
    expect(answer.status).toBe(500);
    expect((answer.json as { message: string }).message).toContain("<ip-filter>");
  });
});

describe("rate-limit and rate-limit-by-key", () => {
  it("counts calls and answers 429 with Retry-After once the window is full", async () => {
    // "When the call rate is exceeded, the caller receives a 429 Too Many Requests response status code."
    await gw.putApiPolicy(
      "probe",
      policy(`<rate-limit-by-key calls="2" renewal-period="60" counter-key="@(context.Request.IpAddress)" remaining-calls-header-name="x-remaining" />
        <return-response><set-status code="200" /></return-response>`),
    );
    expect((await call()).headers.get("x-remaining")).toBe("1");
    expect((await call()).headers.get("x-remaining")).toBe("0");
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.json).toMatchObject({ statusCode: 429, message: expect.stringContaining("Rate limit is exceeded") });
  });
});

describe("managed identity and API keys at the model", () => {
  it("authentication-managed-identity sends the service identity's token; without the role the model refuses", async () => {
    // "This policy essentially uses the managed identity to obtain an access token from Microsoft Entra ID for accessing the specified resource."
    await gw.putApiPolicy(
      "probe",
      policy(`<authentication-managed-identity resource="https://cognitiveservices.azure.com" output-token-variable-name="mi" />
        <set-header name="Authorization" exists-action="override"><value>@("Bearer " + (string)context.Variables["mi"])</value></set-header>
        <set-backend-service base-url="${FOUNDRY}" />`),
    );
    const since = (await gw.modelCalls()).at(-1)?.seq ?? 0;
    expect((await call()).status).toBe(200);
    expect((await gw.modelCalls(since))[0]?.credential).toMatchObject({
      kind: "bearer",
      objectId: sandboxServiceIdentity.principalId!,
      audience: "https://cognitiveservices.azure.com",
    });
    // A user-assigned identity the service does not have: "the documented error when the identity is missing".
    await gw.putApiPolicy(
      "probe",
      policy(`<authentication-managed-identity resource="https://cognitiveservices.azure.com" client-id="11111111-2222-3333-4444-555555555555" />
        <set-backend-service base-url="${FOUNDRY}" />`),
    );
    expect((await call()).status).toBe(500);
  });

  it("a subscription key is required where the API requires one, and the backend's api-key named value reaches the model", async () => {
    // "Access denied due to missing subscription key." / "… invalid subscription key." (predefined errors for built-in steps)
    const path = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
    expect((await gw.call(path, { body: chat })).status).toBe(401);
    expect((await gw.call(path, { body: chat, headers: { "ocp-apim-subscription-key": "wrong" } })).json).toMatchObject(
      {
        message: expect.stringContaining("invalid subscription key"),
      },
    );
    const since = (await gw.modelCalls()).at(-1)?.seq ?? 0;
    const ok = await gw.call(`${path}&subscription-key=${gw.subscriptionKey()}`, { body: chat });
    expect(ok.status).toBe(200);
    expect((await gw.modelCalls(since))[0]?.credential).toEqual({
      kind: "apiKey",
      namedValues: ["azure-openai-api-key"],
    });

    // The named value changed behind Portcullis's back: the model refuses the new key.
    await gw.putNamedValue("azure-openai-api-key", "changed-behind-the-back");
    const refused = await gw.call(path, { body: chat, headers: { "ocp-apim-subscription-key": gw.subscriptionKey() } });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("invalid subscription key or wrong API endpoint");
  });

  it("the seeded caller-checked API works until the identity's role assignment is removed", async () => {
    const path = "/models/chat/completions?api-version=2024-05-01-preview";
    const token = await gw.callerToken(0);
    expect((await gw.call(path, { body: chat, headers: bearer(token) })).status).toBe(200);
    await gw.removeRoleAssignments(sandboxServiceIdentity.principalId!);
    const refused = await gw.call(path, { body: chat, headers: bearer(token) });
    expect(refused.status).toBe(401);
    expect(refused.json).toEqual({
      error: { code: "PermissionDenied", message: "Principal does not have access to API/Operation." },
    });
  });
});
