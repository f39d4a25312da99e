import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApimClient, type ApimClient } from "./apim-client";
import { appErrorOf } from "../../test/support/apim/app-error";
import { startSimulatedApim, type SimulatedApim } from "../../test/support/apim/simulated-apim";

let apim: SimulatedApim;
let client: ApimClient;

beforeAll(async () => {
  // A small page size so that listing the seeded entities needs several pages.
  apim = await startSimulatedApim({ pageSize: 2 });
  client = apim.client();
});

afterAll(async () => {
  await apim?.close();
});

beforeEach(async () => {
  await apim.newRequests();
});

describe("APIs", () => {
  it("lists every API across pages and gets one with its ETag", async () => {
    const { value: apis, trace } = await client.listApis();
    expect(apis.map((api) => api.name)).toEqual(
      expect.arrayContaining(["azure-openai", "foundry-models", "chat-token-limited"]),
    );
    const pages = await apim.newRequests();
    expect(pages.length).toBe(Math.ceil(apis.length / 2));
    expect(trace.requestIds).toEqual(pages.map((request) => request.requestId));
    expect(pages.every((request) => request.correlationId === trace.correlationId)).toBe(true);

    const { value: api } = await client.getApi("azure-openai");
    expect(api).toMatchObject({ name: "azure-openai", displayName: "Azure OpenAI", path: "openai", isCurrent: true });
    expect(api?.etag).toMatch(/^".+"$/);
    expect((await client.getApi("no-such-api")).value).toBeNull();
  });
});

describe("API policies", () => {
  it("reads, updates with If-Match, refuses a stale ETag, deletes and creates again", async () => {
    const read = (await client.getApiPolicy("foundry-models")).value;
    expect(read?.xml).toContain("<policies>");
    expect((await client.getApiPolicyEtag("foundry-models")).value).toBe(read?.etag);

    const xml =
      "<policies><inbound><base /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>";
    const updated = await client.putApiPolicy("foundry-models", xml, { etag: read!.etag });
    expect(updated.value.etag).not.toBe(read?.etag);
    expect(updated.trace).toMatchObject({ status: 200, etag: updated.value.etag });

    const stale = await appErrorOf(client.putApiPolicy("foundry-models", xml, { etag: read!.etag }));
    expect(stale.code).toBe("precondition_failed");
    expect(stale.details).toMatchObject({ status: 412, attempts: 1, mayHaveLanded: false });
    expect((await appErrorOf(client.deleteApiPolicy("foundry-models", { etag: read!.etag }))).code).toBe(
      "precondition_failed",
    );

    await client.deleteApiPolicy("foundry-models", { etag: updated.value.etag });
    expect((await client.getApiPolicy("foundry-models")).value).toBeNull();
    expect((await client.getApiPolicyEtag("foundry-models")).value).toBeNull();
    const created = await client.putApiPolicy("foundry-models", xml, "absent");
    expect(created.trace.status).toBe(201);

    const sent = await apim.newRequests();
    const writes = sent.filter((request) => request.method !== "GET" && request.method !== "HEAD");
    expect(writes.map((request) => [request.method, request.ifMatch, request.status])).toEqual([
      ["PUT", read!.etag, 200],
      ["PUT", read!.etag, 412],
      ["DELETE", read!.etag, 412],
      ["DELETE", updated.value.etag, 200],
      ["PUT", null, 201],
    ]);
  });

  it("maps APIM's validation errors to bad_request with what and where", async () => {
    const etag = (await client.getApiPolicy("azure-openai")).value?.etag;
    const cases = [
      "<policies><inbound><base /></inbound>",
      '<policies><inbound><base /><set-header name="api-key" exists-action="override"><value>{{no-such-named-value}}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
      '<policies><inbound><base /><set-backend-service backend-id="no-such-backend" /></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>',
    ];
    for (const xml of cases) {
      const error = await appErrorOf(client.putApiPolicy("azure-openai", xml, { etag: etag! }));
      expect(error.code).toBe("bad_request");
      expect(error.details.armCode).toBe("ValidationError");
      expect(error.details.armDetails?.length).toBeGreaterThan(0);
      expect(error.fields.length).toBeGreaterThan(0);
    }
  });
});

describe("named values", () => {
  it("creates a secret through the long-running operation, never reads its value back, updates and deletes it with If-Match", async () => {
    const secret = "integration-secret-value-1";
    const created = await client.putNamedValue(
      "it-secret",
      { displayName: "it-secret", value: secret, secret: true, tags: ["it"] },
      "absent",
    );
    expect(created.value).toMatchObject({
      name: "it-secret",
      displayName: "it-secret",
      secret: true,
      tags: ["it"],
      keyVault: null,
    });
    expect(created.trace.status).toBe(201);
    expect(JSON.stringify(created)).not.toContain(secret);

    const read = (await client.getNamedValue("it-secret")).value;
    expect(read?.etag).toBe(created.value.etag);
    expect((await client.getNamedValueEtag("it-secret")).value).toBe(created.value.etag);
    expect((await client.listNamedValues()).value.map((namedValue) => namedValue.name)).toContain("it-secret");

    const rotated = await client.putNamedValue(
      "it-secret",
      { displayName: "it-secret", value: "integration-secret-value-2", secret: true },
      { etag: created.value.etag },
    );
    expect(rotated.value.etag).not.toBe(created.value.etag);
    expect(
      (
        await appErrorOf(
          client.putNamedValue(
            "it-secret",
            { displayName: "it-secret", value: "x", secret: true },
            { etag: created.value.etag },
          ),
        )
      ).code,
    ).toBe("precondition_failed");
    await client.deleteNamedValue("it-secret", { etag: rotated.value.etag });
    expect((await client.getNamedValue("it-secret")).value).toBeNull();

    const sent = await apim.newRequests();
    expect(sent.some((request) => request.url.includes("/listValue"))).toBe(false);
    expect(sent.filter((request) => request.method === "PUT").map((request) => request.ifMatch)).toEqual([
      null,
      created.value.etag,
      created.value.etag,
    ]);
    expect(sent.filter((request) => request.method === "DELETE").map((request) => request.ifMatch)).toEqual([
      rotated.value.etag,
    ]);
    // Polls are plain GETs of the Location: no If-Match.
    expect(
      sent
        .filter((request) => request.url.includes("asyncId"))
        .every((request) => request.method === "GET" && !request.ifMatchSent),
    ).toBe(true);
  });

  it("creates a Key Vault reference, refreshes it and reports lastStatus", async () => {
    const secretIdentifier = "https://sandbox-vault.vault.azure.net/secrets/it-kv";
    await apim.control("POST", "/_sandbox/keyvault", { secretIdentifier, value: "kv-value" });
    const created = await client.putNamedValue(
      "it-kv",
      {
        displayName: "it-kv",
        keyVault: { secretIdentifier, identityClientId: "11111111-2222-3333-4444-555555555555" },
      },
      "absent",
    );
    expect(created.value.keyVault).toMatchObject({
      secretIdentifier,
      identityClientId: "11111111-2222-3333-4444-555555555555",
      lastStatus: { code: "Success" },
    });
    expect(created.value.secret).toBe(true);

    await apim.control("POST", "/_sandbox/keyvault", {
      secretIdentifier,
      failure: { code: "Forbidden", message: "Access denied" },
    });
    const refreshed = await client.refreshNamedValueSecret("it-kv");
    expect(refreshed.value.keyVault?.lastStatus?.code).not.toBe("Success");
  });
});

describe("backends", () => {
  it("round-trips managed-identity credentials on the preview api-version, with If-Match on update and delete", async () => {
    const properties = {
      url: "https://it-openai.openai.azure.com/openai",
      protocol: "http",
      credentials: {
        managedIdentity: {
          resource: "https://cognitiveservices.azure.com",
          clientId: "11111111-2222-3333-4444-555555555555",
        },
      },
    };
    const created = await client.putBackend("it-mi", properties, "absent");
    expect(created.value.properties.credentials?.managedIdentity).toEqual(properties.credentials.managedIdentity);
    const read = (await client.getBackend("it-mi")).value;
    expect(read?.properties.credentials?.managedIdentity).toEqual(properties.credentials.managedIdentity);
    expect((await client.getBackendEtag("it-mi")).value).toBe(read?.etag);

    const withHeader = { ...properties, credentials: { header: { "api-key": ["{{azure-openai-api-key}}"] } } };
    const updated = await client.putBackend("it-mi", withHeader, { etag: read!.etag });
    expect(updated.value.properties.credentials).toEqual(withHeader.credentials);
    expect((await appErrorOf(client.putBackend("it-mi", properties, { etag: read!.etag }))).code).toBe(
      "precondition_failed",
    );
    expect((await client.listBackends()).value.map((backend) => backend.name)).toContain("it-mi");
    await client.deleteBackend("it-mi", { etag: updated.value.etag });
    expect((await client.getBackend("it-mi")).value).toBeNull();

    const sent = await apim.newRequests();
    expect(sent.every((request) => request.url.includes("api-version=2024-06-01-preview"))).toBe(true);
    expect(
      sent
        .filter((request) => request.method === "PUT" || request.method === "DELETE")
        .map((request) => request.ifMatch),
    ).toEqual([null, read!.etag, read!.etag, updated.value.etag]);
  });
});

describe("errors ARM answers", () => {
  it("404 on a write → not_found", async () => {
    const error = await appErrorOf(client.putApiPolicy("no-such-api", "<policies />", "absent"));
    expect(error.code).toBe("not_found");
    expect(error.details).toMatchObject({ status: 404, attempts: 1 });
  });

  it("401 for a token ARM does not accept → upstream about Portcullis's identity", async () => {
    const wrongAudience = await apim.sim.sign({ aud: "https://graph.microsoft.com/" });
    const credential = { getToken: async () => ({ token: wrongAudience, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const { armEndpoint, subscriptionId, resourceGroup, serviceName } = apim.sim.simulator;
    const error = await appErrorOf(
      createApimClient({ armEndpoint, subscriptionId, resourceGroup, serviceName }, credential).listApis(),
    );
    expect(error.code).toBe("upstream");
    expect(error.details.status).toBe(401);
    expect(error.message).toMatch(/refused Portcullis's identity/);
  });
});

describe("every write of this file", () => {
  it("carried the ETag that was read, never *", async () => {
    const { requests } = (await apim.control("GET", "/_sandbox/requests?since=0")) as {
      requests: { method: string; ifMatch: string | null }[];
    };
    const writes = requests.filter((request) => ["PUT", "PATCH", "DELETE"].includes(request.method));
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.filter((request) => request.ifMatch?.trim() === "*")).toEqual([]);
    expect(writes.filter((request) => request.method !== "PUT" && request.ifMatch === null)).toEqual([]);
  });
});
