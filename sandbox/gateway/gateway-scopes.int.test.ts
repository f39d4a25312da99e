import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxServiceIdentity, sandboxUserAssignedIdentityId } from "../apim/seed/service-identity";
import { startTestGateway, type TestGateway } from "./test-support/test-gateway";

/**
 * How a call finds its API and operation and which scopes' policies it runs, against the
 * seeded service (global policy, "LLM Standard" product, operation policies) and through
 * real HTTPS calls. Each test quotes the documentation it follows.
 */
let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  await gw.putApi("probe", { displayName: "Probe", path: "probe", subscriptionRequired: false });
  await gw.putOperation("probe", "chat", { method: "POST", urlTemplate: "/chat/completions" });
});
afterAll(async () => {
  await gw?.close();
});

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FOUNDRY = "https://portcullis-sandbox-foundry.services.ai.azure.com/models";
const chat = { messages: [{ role: "user", content: "hello" }], max_tokens: 1 };
const aoaiChat = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
const lastSeq = async () => (await gw.modelCalls()).at(-1)?.seq ?? 0;

function policy(inbound: string, onError = "<base />"): string {
  return `<policies><inbound><base />${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error>${onError}</on-error></policies>`;
}

describe("the seeded scopes", () => {
  it("runs the global policy on every call: a correlation id from context.RequestId, CORS for the allowed origin", async () => {
    // cors: "GET or HEAD … doesn't match policy settings … false: allow the request to proceed normally and don't add CORS headers to the response."
    const key = { "ocp-apim-subscription-key": gw.subscriptionKey() };
    const allowed = await gw.call(aoaiChat, {
      body: chat,
      headers: { ...key, origin: "https://chat.contoso.example" },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("x-correlation-id")).toMatch(GUID);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://chat.contoso.example");

    const other = await gw.call(aoaiChat, { body: chat, headers: { ...key, origin: "https://evil.example" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("x-correlation-id")).not.toBe(allowed.headers.get("x-correlation-id"));
  });

  it("a product subscription runs the product's policy; an all-APIs subscription does not", async () => {
    // "Product scope: policies that apply to all APIs in one or more products" — through a subscription to the product.
    await gw.putPolicy(
      "/products/llm-standard",
      policy(`<rate-limit calls="1" renewal-period="300" remaining-calls-header-name="x-remaining-calls" />
        <set-header name="x-product" exists-action="override"><value>@(context.Product.Name)</value></set-header>`),
    );
    const product = { "ocp-apim-subscription-key": gw.subscriptionKey("sandbox-llm-standard") };
    const first = await gw.call(aoaiChat, { body: chat, headers: product });
    expect(first.status).toBe(200);
    expect(first.headers.get("x-remaining-calls")).toBe("0");
    const since = await lastSeq();
    expect((await gw.call(aoaiChat, { body: chat, headers: product })).status).toBe(429);
    expect(await gw.modelCalls(since)).toEqual([]);

    const allApis = await gw.call(aoaiChat, {
      body: chat,
      headers: { "ocp-apim-subscription-key": gw.subscriptionKey() },
    });
    expect(allApis.status).toBe(200);
    expect(allApis.headers.get("x-remaining-calls")).toBeNull();
  });

  it("an operation policy without <base /> skips the scopes above it; its set-query-parameter pins the api-version", async () => {
    // "If you don't include <base />, the policies from the enclosing scope aren't applied" / set-query-parameter: "override - replaces the value of the existing parameter."
    const since = await lastSeq();
    const answer = await gw.call("/openai/deployments/embed/embeddings?api-version=2024-02-01", {
      body: { input: "hello" },
      headers: { "ocp-apim-subscription-key": gw.subscriptionKey(), origin: "https://chat.contoso.example" },
    });
    expect(answer.status).toBe(200);
    // The global inbound (its CORS) did not run; its outbound did (<base /> there).
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
    expect(answer.headers.get("x-correlation-id")).toMatch(GUID);
    expect(await gw.modelCalls(since)).toMatchObject([
      { path: "/openai/deployments/embed/embeddings", apiVersion: "2024-10-21", credential: { kind: "apiKey" } },
    ]);
  });
});

describe("routing and the errors of built-in steps", () => {
  it("answers 404 when no operation matches; on-error sees OperationNotFound in context.LastError", async () => {
    // "configuration | Uri doesn't match to any Api or Operation | OperationNotFound" (predefined errors for built-in steps)
    await gw.putApiPolicy("probe", policy(""));
    expect(await gw.call("/probe/chat/completions", { method: "GET" })).toMatchObject({
      status: 404,
      json: { statusCode: 404, message: "Resource not found" },
    });
    expect((await gw.call("/nowhere/at/all", { body: chat })).status).toBe(404);
    await gw.putApiPolicy(
      "probe",
      policy(
        "",
        `<choose><when condition="@(context.LastError.Reason == "OperationNotFound")">
          <return-response><set-status code="405" /><set-body>@(context.LastError.Source)</set-body></return-response>
        </when></choose>`,
      ),
    );
    expect(await gw.call("/probe/chat/completions", { method: "GET" })).toMatchObject({
      status: 405,
      text: "configuration",
    });
  });

  it("a missing or invalid key is an error on-error handles too (SubscriptionKeyNotFound, SubscriptionKeyInvalid)", async () => {
    // "authorization | Subscription key not supplied | SubscriptionKeyNotFound" / "… not valid | SubscriptionKeyInvalid"
    await gw.putApi("keyed", { displayName: "Keyed", path: "keyed", subscriptionRequired: true });
    await gw.putOperation("keyed", "chat", { method: "POST", urlTemplate: "/chat/completions" });
    await gw.putApiPolicy(
      "keyed",
      policy(
        `<return-response><set-status code="204" /></return-response>`,
        `<set-header name="x-error" exists-action="override"><value>@(context.LastError.Reason)</value></set-header>`,
      ),
    );
    const missing = await gw.call("/keyed/chat/completions", { body: chat });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("x-error")).toBe("SubscriptionKeyNotFound");
    const invalid = await gw.call("/keyed/chat/completions", {
      body: chat,
      headers: { "ocp-apim-subscription-key": "x" },
    });
    expect(invalid.headers.get("x-error")).toBe("SubscriptionKeyInvalid");
    expect(invalid.json).toMatchObject({ message: expect.stringContaining("invalid subscription key") });
    const keyed = await gw.call("/keyed/chat/completions?subscription-key=" + gw.subscriptionKey(), { body: chat });
    expect(keyed.status).toBe(204);
  });

  it("never lets on-error answer in place of a statement the sandbox does not implement", async () => {
    await gw.putApiPolicy(
      "probe",
      policy('<mock-response status-code="200" />', `<return-response><set-status code="200" /></return-response>`),
    );
    const answer = await gw.call("/probe/chat/completions", { body: chat });
    expect(answer.status).toBe(500);
    expect((answer.json as { message: string }).message).toContain("<mock-response>");
  });
});

describe("subscriptions made through ARM", () => {
  it("a subscription's key from listSecrets opens the APIs of its scope until it is suspended", async () => {
    // "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
    const created = await gw.arm("PUT", "/subscriptions/probe-team", {
      properties: { scope: "/apis/azure-openai", displayName: "Probe team" },
    });
    expect(created.status).toBe(201);
    const secrets = await gw.arm("POST", "/subscriptions/probe-team/listSecrets");
    const { primaryKey } = secrets.json as { primaryKey: string };
    expect((await gw.call(aoaiChat, { body: chat, headers: { "ocp-apim-subscription-key": primaryKey } })).status).toBe(
      200,
    );
    // The key is for azure-openai only.
    expect(
      (
        await gw.call("/openai-eu/deployments/gpt-4o/chat/completions?api-version=2024-10-21", {
          body: chat,
          headers: { "ocp-apim-subscription-key": primaryKey },
        })
      ).status,
    ).toBe(401);

    const etag = created.headers.get("etag")!;
    expect(
      (await gw.arm("PATCH", "/subscriptions/probe-team", { properties: { state: "suspended" } }, { ifMatch: etag }))
        .status,
    ).toBe(200);
    const suspended = await gw.call(aoaiChat, { body: chat, headers: { "ocp-apim-subscription-key": primaryKey } });
    expect(suspended.status).toBe(401);
    expect(suspended.json).toMatchObject({ message: expect.stringContaining("invalid subscription key") });
  });
});

describe("quota and set-variable", () => {
  it("quota refuses the call over the period's calls with 403 and Retry-After", async () => {
    // "When the quota is exceeded, the caller receives a 403 Forbidden response status code, and the response includes a Retry-After header"
    await gw.putApiPolicy(
      "probe",
      policy(`<quota calls="1" renewal-period="3600" /><return-response><set-status code="204" /></return-response>`),
    );
    expect((await gw.call("/probe/chat/completions", { body: chat })).status).toBe(204);
    const refused = await gw.call("/probe/chat/completions", { body: chat });
    expect(refused.status).toBe(403);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
  });

  it("set-variable keeps an expression's type for later conditions", async () => {
    // set-variable: "Declares a context variable and assigns it a value specified via an expression or a string literal."
    await gw.putApiPolicy(
      "probe",
      policy(`<set-variable name="isPost" value="@(context.Request.Method == "POST")" />
        <set-variable name="label" value="literal" />
        <choose><when condition="@((bool)context.Variables["isPost"])">
          <return-response><set-status code="202" /><set-body>@((string)context.Variables["label"])</set-body></return-response>
        </when></choose>
        <return-response><set-status code="204" /></return-response>`),
    );
    expect(await gw.call("/probe/chat/completions", { body: chat })).toMatchObject({ status: 202, text: "literal" });
  });
});

describe("the service's managed identities", () => {
  it("authentication-managed-identity with client-id uses the attached user-assigned identity; the model refuses it without a role", async () => {
    // client-id: "The client ID of the user-assigned identity in Microsoft Entra ID. If not specified, the system-assigned identity is used."
    const userAssigned = sandboxServiceIdentity.userAssignedIdentities![sandboxUserAssignedIdentityId]!;
    await gw.putApiPolicy(
      "probe",
      policy(`<authentication-managed-identity resource="https://cognitiveservices.azure.com" client-id="${userAssigned.clientId}" />
        <set-backend-service base-url="${FOUNDRY}" />`),
    );
    const since = await lastSeq();
    const modelCall = () =>
      gw.call("/probe/chat/completions?api-version=2024-05-01-preview", { body: { ...chat, model: "gpt-4o" } });
    const refused = await modelCall();
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ error: { code: "PermissionDenied" } });
    expect((await gw.modelCalls(since))[0]?.credential).toMatchObject({
      kind: "bearer",
      objectId: userAssigned.principalId,
      appId: userAssigned.clientId,
    });

    // An administrator assigns the role through ARM: the next call gets through; revoked, refused again.
    const assignment = await gw.grantModelRole(userAssigned.principalId, "portcullis-sandbox-foundry");
    expect((await modelCall()).status).toBe(200);
    await gw.revokeModelRole(assignment, "portcullis-sandbox-foundry");
    expect((await modelCall()).status).toBe(401);
  });
});
