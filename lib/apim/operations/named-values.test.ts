import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { armError, fakeArm, servicePath, type FakeReply } from "../../../test/support/apim/fake-arm";

const keyVaultEntity = {
  name: "kv-secret",
  properties: {
    displayName: "kv-secret",
    secret: true,
    tags: ["portcullis"],
    keyVault: {
      secretIdentifier: "https://vault.example/secrets/key",
      identityClientId: null,
      lastStatus: { code: "Success", timeStampUtc: "2025-01-01T00:00:00Z" },
    },
  },
};
// ARM does not list a secret's value; if it ever did, it must go no further than the reader.
const typedSecretEntity = {
  name: "typed",
  properties: { displayName: "typed", secret: true, value: "s3cret-never-kept", tags: [] },
};
const plainEntity = {
  name: "region",
  properties: { displayName: "region", secret: false, value: "westeurope", tags: [] },
};

describe("named value reads", () => {
  it("lists metadata across pages, with the value of a plain named value only (never a secret's)", async () => {
    const arm = fakeArm((request) =>
      request.url.searchParams.has("page2")
        ? { status: 200, body: { value: [keyVaultEntity, typedSecretEntity] } }
        : {
            status: 200,
            body: {
              value: [plainEntity],
              nextLink: `https://arm.test${servicePath}/namedValues?api-version=2024-05-01&page2`,
            },
          },
    );
    const { value } = await arm.client().listNamedValues();
    expect(value).toEqual([
      {
        name: "region",
        displayName: "region",
        secret: false,
        plainValue: "westeurope",
        tags: [],
        keyVault: null,
        provisioningState: null,
      },
      {
        name: "kv-secret",
        displayName: "kv-secret",
        secret: true,
        tags: ["portcullis"],
        keyVault: {
          secretIdentifier: "https://vault.example/secrets/key",
          identityClientId: null,
          lastStatus: { code: "Success", message: null, timeStampUtc: "2025-01-01T00:00:00.000Z" },
        },
        provisioningState: null,
      },
      { name: "typed", displayName: "typed", secret: true, tags: [], keyVault: null, provisioningState: null },
    ]);
    expect(JSON.stringify(value)).not.toContain("s3cret-never-kept");
  });

  it("gets one with its ETag, or null", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/region")
        ? { status: 200, headers: { etag: '"n1"' }, body: plainEntity }
        : { status: 404 },
    );
    const client = arm.client();
    expect((await client.getNamedValue("region")).value).toMatchObject({ name: "region", etag: '"n1"' });
    expect((await client.getNamedValue("nope")).value).toBeNull();
    expect(arm.requests.every((request) => !request.url.pathname.endsWith("/listValue"))).toBe(true);
  });
});

describe("named value writes (long-running)", () => {
  const location = `https://arm.test${servicePath}/namedValues/kv-secret?api-version=2024-05-01&asyncId=abc&asyncCode=201`;

  function lro(initial: FakeReply, runningPolls: number, final: FakeReply) {
    return fakeArm((request, index) => {
      if (index === 0) return initial;
      return index <= runningPolls ? { status: 202, headers: { location, "retry-after-ms": "20" } } : final;
    });
  }

  it("creates: PUT without If-Match, then polls the Location, waiting as asked, until the final answer", async () => {
    const arm = lro({ status: 202, headers: { location, "retry-after-ms": "20" } }, 2, {
      status: 201,
      headers: { etag: '"n2"' },
      body: keyVaultEntity,
    });
    const started = performance.now();
    const { value, trace } = await arm.client().putNamedValue(
      "kv-secret",
      {
        displayName: "kv-secret",
        tags: ["portcullis"],
        keyVault: { secretIdentifier: "https://vault.example/secrets/key" },
      },
      "absent",
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
    expect(arm.requests.map((request) => `${request.method} ${request.url.search}`)).toEqual([
      "PUT ?api-version=2024-05-01",
      "GET ?api-version=2024-05-01&asyncId=abc&asyncCode=201",
      "GET ?api-version=2024-05-01&asyncId=abc&asyncCode=201",
      "GET ?api-version=2024-05-01&asyncId=abc&asyncCode=201",
    ]);
    expect(arm.requests.every((request) => request.headers["if-match"] === undefined)).toBe(true);
    expect(JSON.parse(arm.requests[0]?.body ?? "")).toEqual({
      properties: {
        displayName: "kv-secret",
        tags: ["portcullis"],
        secret: true,
        keyVault: { secretIdentifier: "https://vault.example/secrets/key" },
      },
    });
    expect(value).toMatchObject({ name: "kv-secret", etag: '"n2"', keyVault: { lastStatus: { code: "Success" } } });
    expect(trace).toMatchObject({ status: 201, etag: '"n2"', attempts: 4 });
  });

  it("updates a secret value with If-Match on the PUT only, never on the polls", async () => {
    const arm = lro({ status: 202, headers: { location } }, 1, {
      status: 200,
      headers: { etag: '"n3"' },
      body: { ...plainEntity, properties: { displayName: "api-key", secret: true } },
    });
    await arm
      .client()
      .putNamedValue("api-key", { displayName: "api-key", value: "new-secret", secret: true }, { etag: '"n2"' });
    expect(arm.requests.map((request) => [request.method, request.headers["if-match"]])).toEqual([
      ["PUT", '"n2"'],
      ["GET", undefined],
      ["GET", undefined],
    ]);
    expect(JSON.parse(arm.requests[0]?.body ?? "")).toEqual({
      properties: { displayName: "api-key", secret: true, value: "new-secret" },
    });
  });

  it("reports a failed operation from its final poll", async () => {
    const arm = lro({ status: 202, headers: { location } }, 0, {
      status: 400,
      body: armError("ValidationError", "Key Vault secret not accessible"),
    });
    const error = await appErrorOf(
      arm
        .client()
        .putNamedValue(
          "kv-secret",
          { displayName: "kv-secret", keyVault: { secretIdentifier: "https://vault.example/secrets/x" } },
          "absent",
        ),
    );
    expect(error.code).toBe("bad_request");
    // The final answer says the accepted operation failed: nothing landed.
    expect(error.details.mayHaveLanded).toBe(false);
  });

  it("bounds the polling by the call's timeout and says the write was accepted", async () => {
    const arm = fakeArm(() => ({ status: 202, headers: { location, "retry-after-ms": "30" } }));
    const error = await appErrorOf(
      arm.client().putNamedValue("kv-secret", { displayName: "kv-secret", value: "v", secret: false }, "absent", {
        timeoutMs: 100,
      }),
    );
    expect(error.code).toBe("unavailable");
    expect(error.details.mayHaveLanded).toBe(true);
    expect(arm.requests.length).toBeLessThanOrEqual(5);
  });

  it("refreshes a Key Vault secret with a POST and returns its new status", async () => {
    const arm = lro({ status: 202, headers: { location } }, 0, {
      status: 200,
      headers: { etag: '"n4"' },
      body: keyVaultEntity,
    });
    const { value } = await arm.client().refreshNamedValueSecret("kv-secret");
    expect(arm.requests[0]?.method).toBe("POST");
    expect(arm.requests[0]?.url.pathname).toMatch(/\/namedValues\/kv-secret\/refreshSecret$/);
    expect(value.keyVault?.lastStatus?.code).toBe("Success");
  });

  it("deletes with If-Match", async () => {
    const arm = fakeArm(() => ({ status: 200 }));
    await arm.client().deleteNamedValue("api-key", { etag: '"n3"' });
    expect(arm.requests.map((request) => [request.method, request.headers["if-match"]])).toEqual([["DELETE", '"n3"']]);
  });
});
