import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restErrorOf } from "./test-support/rest-error";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

let sim: TestSimulator;

beforeAll(async () => (sim = await startTestSimulator()));
afterAll(() => sim.close());

type BackendBody = { properties: { credentials?: Record<string, unknown>; title?: unknown; url?: string } };

describe("backends through the SDK", () => {
  it("creates (201) and updates (200) synchronously, with ETags and the recorded null title", async () => {
    const client = sim.client();
    const before = await sim.lastSeq();
    const created = await client.backend.createOrUpdate(sim.rg, sim.svc, "sdk-backend", {
      url: "https://backend.invalid/api",
      protocol: "http",
      description: "one",
    });
    expect(created).toMatchObject({
      name: "sdk-backend",
      url: "https://backend.invalid/api",
      protocol: "http",
      description: "one",
      title: null,
    });
    const updated = await client.backend.createOrUpdate(
      sim.rg,
      sim.svc,
      "sdk-backend",
      { url: "https://backend.invalid/v2", protocol: "http" },
      { ifMatch: created.eTag },
    );
    expect(updated.eTag).not.toBe(created.eTag);
    expect((await sim.requestLog(before)).map((r) => [r.method, r.status])).toEqual([
      ["PUT", 201],
      ["PUT", 200],
    ]);
    expect((await client.backend.getEntityTag(sim.rg, sim.svc, "sdk-backend")).eTag).toBe(updated.eTag);
  });

  it("patches with If-Match, refuses a stale ETag with 412 and a missing If-Match with 400", async () => {
    const client = sim.client();
    const current = await client.backend.get(sim.rg, sim.svc, "sdk-backend");
    const patched = await client.backend.update(sim.rg, sim.svc, "sdk-backend", current.eTag as string, {
      description: "patched",
    });
    expect(patched).toMatchObject({ description: "patched", url: "https://backend.invalid/v2" });
    const stale = await restErrorOf(() =>
      client.backend.update(sim.rg, sim.svc, "sdk-backend", current.eTag as string, { description: "again" }),
    );
    expect([stale.statusCode, stale.message]).toEqual([412, "Resource was modified since last retrieval."]);
    expect(
      (await sim.request("PATCH", "/backends/sdk-backend", { body: { properties: { description: "x" } } })).status,
    ).toBe(400);
  });

  it("lists with $top and follows nextLink", async () => {
    const names = [];
    for await (const backend of sim.client().backend.listByService(sim.rg, sim.svc, { top: 2 }))
      names.push(backend.name);
    expect(names).toEqual(["azure-openai-backend", "foundry-backend", "foundry-backend-key", "sdk-backend"]);
  });

  it("refuses credentials that refer to a missing named value, as recorded", async () => {
    const failure = await restErrorOf(() =>
      sim.client().backend.createOrUpdate(sim.rg, sim.svc, "bad-credentials", {
        url: "https://x.invalid",
        protocol: "http",
        credentials: { header: { "api-key": ["{{no-such-value}}"] } },
      }),
    );
    expect(failure.statusCode).toBe(400);
    expect(JSON.parse(failure.response?.bodyAsText ?? "{}")).toEqual({
      error: {
        code: "ValidationError",
        message: "One or more fields contain incorrect values:",
        details: [{ code: "ValidationError", target: "credentials", message: "Property 'no-such-value' not found." }],
      },
    });
  });

  it("validates the body and the backend id", async () => {
    const noUrl = await sim.request("PUT", "/backends/no-url", { body: { properties: { protocol: "http" } } });
    expect(noUrl.json).toMatchObject({ error: { code: "ValidationError", details: [{ target: "url" }] } });
    const badProtocol = await sim.request("PUT", "/backends/bad-protocol", {
      body: { properties: { url: "https://x", protocol: "ftp" } },
    });
    expect(badProtocol.json).toMatchObject({ error: { details: [{ target: "protocol" }] } });
    const longId = await sim.request("PUT", `/backends/${"b".repeat(81)}`, {
      body: { properties: { url: "https://x", protocol: "http" } },
    });
    expect(longId.json).toMatchObject({ error: { details: [{ target: "name" }] } });
  });

  it("deletes with If-Match, 204 when gone, and refuses a backend a policy at any scope uses", async () => {
    const client = sim.client();
    const { eTag } = await client.backend.get(sim.rg, sim.svc, "sdk-backend");
    await client.backend.delete(sim.rg, sim.svc, "sdk-backend", eTag as string);
    expect((await sim.request("DELETE", "/backends/sdk-backend", { headers: { "If-Match": "*" } })).status).toBe(204);
    expect((await restErrorOf(() => client.backend.get(sim.rg, sim.svc, "sdk-backend"))).statusCode).toBe(404);

    const used = await restErrorOf(() => client.backend.delete(sim.rg, sim.svc, "azure-openai-backend", "*"));
    expect([used.statusCode, used.message]).toEqual([
      400,
      "The Backend 'azure-openai-backend' is used by the following entities:\r\n" +
        "/apis/azure-openai/policies/policy\r\n" +
        "/apis/azure-openai-eu/policies/policy\r\n" +
        "/apis/azure-openai/operations/embeddings_create/policies/policy\r\n",
    ]);
  });
});

describe("managed-identity credentials exist only on the preview api-version", () => {
  const identity = {
    resource: "https://cognitiveservices.azure.com",
    clientId: "22222222-2222-2222-2222-222222222222",
  };

  it("accepts and returns credentials.managedIdentity on 2024-06-01-preview", async () => {
    const put = await sim.request("PUT", "/backends/mi-backend", {
      apiVersion: "2024-06-01-preview",
      body: {
        properties: {
          url: "https://foundry.invalid/models",
          protocol: "http",
          credentials: { managedIdentity: identity },
        },
      },
    });
    expect(put.status).toBe(201);
    expect((put.json as BackendBody).properties.credentials).toEqual({ managedIdentity: identity });
    const got = await sim.request("GET", "/backends/mi-backend", { apiVersion: "2024-06-01-preview" });
    expect((got.json as BackendBody).properties.credentials).toEqual({ managedIdentity: identity });
  });

  it("hides it from the stable contract and the SDK, and keeps it across stable writes", async () => {
    const client = sim.client();
    const stable = await client.backend.get(sim.rg, sim.svc, "mi-backend");
    expect(stable.credentials).toBeUndefined();
    expect((await sim.request("GET", "/backends/mi-backend", { apiVersion: "2022-08-01" })).json).not.toHaveProperty(
      "properties.credentials",
    );

    await client.backend.update(sim.rg, sim.svc, "mi-backend", "*", { description: "stable patch" });
    await client.backend.createOrUpdate(sim.rg, sim.svc, "mi-backend", {
      url: "https://foundry.invalid/models",
      protocol: "http",
      credentials: { header: { "x-a": ["b"] } },
    });
    const preview = await sim.request("GET", "/backends/mi-backend", { apiVersion: "2024-06-01-preview" });
    expect((preview.json as BackendBody).properties.credentials).toEqual({
      header: { "x-a": ["b"] },
      managedIdentity: identity,
    });
  });

  it("ignores a managedIdentity sent on a stable api-version, and clears it from a preview PUT without it", async () => {
    const stablePut = await sim.request("PUT", "/backends/stable-mi", {
      apiVersion: "2024-05-01",
      body: { properties: { url: "https://x.invalid", protocol: "http", credentials: { managedIdentity: identity } } },
    });
    expect(stablePut.status).toBe(201);
    expect(
      (await sim.request("GET", "/backends/stable-mi", { apiVersion: "2024-06-01-preview" })).json,
    ).not.toHaveProperty("properties.credentials");

    await sim.request("PUT", "/backends/mi-backend", {
      apiVersion: "2024-06-01-preview",
      body: { properties: { url: "https://foundry.invalid/models", protocol: "http" } },
    });
    expect(
      (await sim.request("GET", "/backends/mi-backend", { apiVersion: "2024-06-01-preview" })).json,
    ).not.toHaveProperty("properties.credentials");
  });

  it("validates the managed identity on the preview", async () => {
    const invalid = await sim.request("PUT", "/backends/mi-invalid", {
      apiVersion: "2024-06-01-preview",
      body: {
        properties: { url: "https://x.invalid", protocol: "http", credentials: { managedIdentity: { resource: "" } } },
      },
    });
    expect(invalid.json).toMatchObject({
      error: { code: "ValidationError", details: [{ target: "credentials.managedIdentity.resource" }] },
    });
  });
});
