import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restErrorOf } from "./test-support/rest-error";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

// Named values through the production SDK (@azure/arm-apimanagement 10.0.0, api-version
// 2024-05-01), raw requests only where the SDK validates client-side or hides the wire.
let sim: TestSimulator;

beforeAll(async () => (sim = await startTestSimulator()));
afterAll(() => sim.close());

describe("named values through the SDK", () => {
  it("lists the seeded named values, across pages via nextLink, without secret values", async () => {
    const client = sim.client();
    const seen = [];
    for await (const page of client.namedValue.listByService(sim.rg, sim.svc, { top: 1 }).byPage()) {
      expect(page).toHaveLength(1);
      seen.push(...page);
    }
    expect(seen.map((nv) => nv.name)).toEqual([
      "azure-openai-api-key",
      "foundry-api-key",
      "entra-tenant-id",
      "llm-callers-tenant-id",
      "llm-caller-client-id",
      "llm-api-audience",
    ]);
    expect(seen.find((nv) => nv.name === "azure-openai-api-key")).toMatchObject({ secret: true });
    expect(seen.find((nv) => nv.name === "azure-openai-api-key")?.value).toBeUndefined();
    expect(seen.find((nv) => nv.name === "entra-tenant-id")?.value).toBe("00000000-0000-0000-0000-0000000000aa");
  });

  it("creates a secret as a long-running operation: 202 + Location, then the poll answers 201 with the entity", async () => {
    const client = sim.client();
    const before = await sim.lastSeq();
    const created = await client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "sdk-secret", {
      displayName: "sdk-secret",
      value: "s3cr3t-value",
      secret: true,
      tags: ["t1"],
    });
    expect(created).toMatchObject({ name: "sdk-secret", displayName: "sdk-secret", secret: true, tags: ["t1"] });
    expect(created.value).toBeUndefined();
    expect(created.eTag).toMatch(/^"[A-Za-z0-9+/]{11}="$/);

    const wire = await sim.requestLog(before);
    expect(wire.map((r) => [r.method, r.status])).toEqual([
      ["PUT", 202],
      ["GET", 201],
    ]);
    expect(wire[1]?.url).toMatch(
      /\/namedValues\/sdk-secret\?api-version=2024-05-01&asyncId=[0-9a-f]{24}&asyncCode=201$/,
    );

    const got = await client.namedValue.get(sim.rg, sim.svc, "sdk-secret");
    expect(got.value).toBeUndefined();
    expect(got.eTag).toBe(created.eTag);
    expect(await client.namedValue.listValue(sim.rg, sim.svc, "sdk-secret")).toMatchObject({
      value: "s3cr3t-value",
      eTag: created.eTag,
    });
    expect((await client.namedValue.getEntityTag(sim.rg, sim.svc, "sdk-secret")).eTag).toBe(created.eTag);
  });

  it("updates with the current ETag (poll answers 200) and refuses a stale one with the recorded 412", async () => {
    const client = sim.client();
    const first = await client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "sdk-plain", {
      displayName: "sdk-plain",
      value: "one",
    });
    const updated = await client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "sdk-plain", first.eTag as string, {
      value: "two",
    });
    expect(updated).toMatchObject({ value: "two" });
    expect(updated.eTag).not.toBe(first.eTag);

    const stale = await restErrorOf(() =>
      client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "sdk-plain", first.eTag as string, { value: "three" }),
    );
    expect(stale.statusCode).toBe(412);
    expect(stale.code).toBe("ValidationError");
    expect(stale.message).toBe("Resource was modified since last retrieval.");

    const putStale = await restErrorOf(() =>
      client.namedValue.beginCreateOrUpdateAndWait(
        sim.rg,
        sim.svc,
        "sdk-plain",
        { displayName: "sdk-plain", value: "x" },
        { ifMatch: first.eTag },
      ),
    );
    expect(putStale.statusCode).toBe(412);
    expect((await client.namedValue.get(sim.rg, sim.svc, "sdk-plain")).value).toBe("two");
  });

  it("requires If-Match for PATCH and DELETE", async () => {
    const patch = await sim.request("PATCH", "/namedValues/sdk-plain", { body: { properties: { value: "x" } } });
    expect(patch.status).toBe(400);
    expect(patch.json).toEqual({
      error: { code: "ValidationError", message: "If-Match header is required for this operation.", details: null },
    });
    expect((await sim.request("DELETE", "/namedValues/sdk-plain")).status).toBe(400);
  });

  it("deletes with If-Match (stale 412, * 200) and answers 204 for a named value that is gone", async () => {
    const client = sim.client();
    const current = await client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "sdk-doomed", {
      displayName: "sdk-doomed",
      value: "v",
    });
    await client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "sdk-doomed", "*", { value: "w" });
    expect(
      (await restErrorOf(() => client.namedValue.delete(sim.rg, sim.svc, "sdk-doomed", current.eTag as string)))
        .statusCode,
    ).toBe(412);
    const deleted = await sim.request("DELETE", "/namedValues/sdk-doomed", { headers: { "If-Match": "*" } });
    expect(deleted.status).toBe(200);
    expect(deleted.text).toBe("");
    await client.namedValue.delete(sim.rg, sim.svc, "sdk-doomed", "*");
    expect((await sim.request("DELETE", "/namedValues/sdk-doomed", { headers: { "If-Match": "*" } })).status).toBe(204);
    const missing = await restErrorOf(() => client.namedValue.get(sim.rg, sim.svc, "sdk-doomed"));
    expect([missing.statusCode, missing.code, missing.message]).toEqual([
      404,
      "ResourceNotFound",
      "NamedValue not found.",
    ]);
  });

  it("refuses to delete a named value that a policy or a backend uses", async () => {
    const client = sim.client();
    const { eTag } = await client.namedValue.get(sim.rg, sim.svc, "azure-openai-api-key");
    const inUse = await restErrorOf(() =>
      client.namedValue.delete(sim.rg, sim.svc, "azure-openai-api-key", eTag as string),
    );
    expect(inUse.statusCode).toBe(400);
    expect(inUse.message).toBe(
      "The Named Value 'azure-openai-api-key' is used by the following entities:\r\n/backends/azure-openai-backend\r\n",
    );
    const tenant = await client.namedValue.get(sim.rg, sim.svc, "entra-tenant-id");
    const policyUse = await restErrorOf(() =>
      client.namedValue.delete(sim.rg, sim.svc, "entra-tenant-id", tenant.eTag as string),
    );
    expect(policyUse.message).toContain("/apis/chat-token-limited/policies/policy");
  });

  it("answers a duplicate display name at the poll with the recorded 400 and changes nothing", async () => {
    const client = sim.client();
    const clash = await restErrorOf(() =>
      client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "another-id", {
        displayName: "entra-tenant-id",
        value: "x",
      }),
    );
    expect(clash.statusCode).toBe(400);
    expect(clash.code).toBe("ValidationError");
    expect((JSON.parse(clash.response?.bodyAsText ?? "{}") as { error: { details: unknown } }).error.details).toEqual([
      { code: "ValidationError", target: "name", message: "Property with the same name already exist." },
    ]);
    expect((await sim.request("GET", "/namedValues/another-id")).status).toBe(404);
  });

  it("rewrites {{references}} in policies and backends when a display name changes", async () => {
    const client = sim.client();
    await client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "renamable", {
      displayName: "old-name",
      value: "v",
    });
    await client.backend.createOrUpdate(sim.rg, sim.svc, "renamable-backend", {
      url: "https://example.invalid",
      protocol: "http",
      credentials: { header: { "x-key": ["{{old-name}}"] } },
    });
    const policyBefore = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "azure-openai", "policy", {
      format: "xml",
      value: `<policies><inbound><set-header name="x-key"><value>{{old-name}}</value></set-header><set-backend-service backend-id="azure-openai-backend" /></inbound></policies>`,
    });
    const renamed = await client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "renamable", "*", {
      displayName: "new-name",
    });
    expect(renamed.displayName).toBe("new-name");
    const policy = await sim.request("GET", "/apis/azure-openai/policies/policy");
    expect((policy.json as { properties: { value: string } }).properties.value).toContain(
      "<value>{{new-name}}</value>",
    );
    expect(policy.headers.get("etag")).not.toBe(policyBefore.eTag);
    expect((await client.backend.get(sim.rg, sim.svc, "renamable-backend")).credentials?.header).toEqual({
      "x-key": ["{{new-name}}"],
    });
  });

  it("validates names and bodies with ARM-shaped 400s", async () => {
    const badId = await sim.request("PUT", "/namedValues/bad:id", {
      body: { properties: { displayName: "ok", value: "v" } },
    });
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({
      error: { code: "ValidationError", details: [{ code: "ValidationError", target: "name" }] },
    });

    const badDisplayName = await sim.request("PUT", "/namedValues/ok-id", {
      body: { properties: { displayName: "has space", value: "v" } },
    });
    expect(badDisplayName.json).toMatchObject({
      error: { code: "ValidationError", details: [{ target: "displayName" }] },
    });

    const noDisplayName = await sim.request("PUT", "/namedValues/ok-id", { body: { properties: { value: "v" } } });
    expect(noDisplayName.json).toMatchObject({
      error: { details: [{ target: "displayName", message: "Display name is required." }] },
    });

    const blank = await sim.request("PUT", "/namedValues/ok-id", {
      body: { properties: { displayName: "ok-id", value: "  " } },
    });
    expect(blank.json).toMatchObject({ error: { details: [{ target: "value" }] } });

    const tooLong = await sim.request("PUT", "/namedValues/ok-id", {
      body: { properties: { displayName: "ok-id", value: "x".repeat(4097) } },
    });
    expect(tooLong.json).toMatchObject({
      error: { details: [{ target: "value", message: "Value must be at most 4096 characters long." }] },
    });

    const notJson = await sim.request("PUT", "/namedValues/ok-id", {
      body: undefined,
      headers: { "Content-Type": "application/json" },
    });
    expect(notJson.json).toMatchObject({ error: { code: "InvalidRequestContent" } });
  });
});

describe("Key Vault named values", () => {
  const secretIdentifier = "https://sandbox-kv.vault.azure.net/secrets/rotating";

  it("creates a Key Vault reference with an identity client id and reports lastStatus; listValue shows the vault's value", async () => {
    const client = sim.client();
    await sim.request("POST", "/_sandbox/keyvault", { body: { secretIdentifier, value: "from-the-vault-1" } });
    const created = await client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "kv-ref", {
      displayName: "kv-ref",
      secret: true,
      keyVault: { secretIdentifier, identityClientId: "ceaa6b06-c00f-43ef-99ac-f53d1fe876a0" },
    });
    expect(created.keyVault).toMatchObject({
      secretIdentifier,
      identityClientId: "ceaa6b06-c00f-43ef-99ac-f53d1fe876a0",
      lastStatus: { code: "Success" },
    });
    expect(created.value).toBeUndefined();
    expect((await client.namedValue.listValue(sim.rg, sim.svc, "kv-ref")).value).toBe("from-the-vault-1");
  });

  it("refreshes the secret (LRO): a rotation is picked up, a failure keeps the old value and is reported", async () => {
    const client = sim.client();
    await sim.request("POST", "/_sandbox/keyvault", { body: { secretIdentifier, value: "from-the-vault-2" } });
    const refreshed = await client.namedValue.beginRefreshSecretAndWait(sim.rg, sim.svc, "kv-ref");
    expect(refreshed.keyVault?.lastStatus?.code).toBe("Success");
    expect((await client.namedValue.listValue(sim.rg, sim.svc, "kv-ref")).value).toBe("from-the-vault-2");

    await sim.request("POST", "/_sandbox/keyvault", {
      body: { secretIdentifier, failure: { code: "Forbidden", message: "The identity may not get secrets." } },
    });
    const failed = await client.namedValue.beginRefreshSecretAndWait(sim.rg, sim.svc, "kv-ref");
    expect(failed.keyVault?.lastStatus).toMatchObject({
      code: "Forbidden",
      message: "The identity may not get secrets.",
    });
    expect((await client.namedValue.listValue(sim.rg, sim.svc, "kv-ref")).value).toBe("from-the-vault-2");

    const failedOnly = [];
    for await (const nv of client.namedValue.listByService(sim.rg, sim.svc, { isKeyVaultRefreshFailed: true }))
      failedOnly.push(nv.name);
    expect(failedOnly).toEqual(["kv-ref"]);
  });

  it("refuses to refresh a plain named value and fails a create whose secret cannot be read", async () => {
    const client = sim.client();
    expect(
      (await restErrorOf(() => client.namedValue.beginRefreshSecretAndWait(sim.rg, sim.svc, "entra-tenant-id")))
        .statusCode,
    ).toBe(400);
    const unreadable = "https://sandbox-kv.vault.azure.net/secrets/unreadable";
    await sim.request("POST", "/_sandbox/keyvault", {
      body: { secretIdentifier: unreadable, failure: { code: "Forbidden", message: "denied" } },
    });
    const failure = await restErrorOf(() =>
      client.namedValue.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "kv-unreadable", {
        displayName: "kv-unreadable",
        secret: true,
        keyVault: { secretIdentifier: unreadable },
      }),
    );
    expect([failure.statusCode, failure.code]).toEqual([400, "ValidationError"]);
    expect((await sim.request("GET", "/namedValues/kv-unreadable")).status).toBe(404);
  });
});
