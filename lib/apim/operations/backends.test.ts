import { describe, expect, it } from "vitest";
import { fakeArm, servicePath } from "../../../test/support/apim/fake-arm";
import type { BackendProperties } from "./backends";

const managedIdentity: BackendProperties = {
  url: "https://my-openai.openai.azure.com/openai",
  protocol: "http",
  credentials: {
    managedIdentity: {
      resource: "https://cognitiveservices.azure.com",
      clientId: "11111111-2222-3333-4444-555555555555",
    },
  },
  circuitBreaker: { rules: [{ name: "kept", tripDuration: "PT1M" }] },
};

describe("backend operations", () => {
  it("writes managed-identity credentials on the preview api-version and reads them back whole", async () => {
    const arm = fakeArm((request) => ({
      status: 201,
      headers: { etag: '"b1"' },
      body: { name: "openai", properties: JSON.parse(request.body ?? "{}").properties },
    }));
    const { value } = await arm.client().putBackend("openai", managedIdentity, "absent");
    const sent = arm.requests[0];
    expect(sent?.url.searchParams.get("api-version")).toBe("2024-06-01-preview");
    expect(sent?.headers["if-match"]).toBeUndefined();
    expect(JSON.parse(sent?.body ?? "")).toEqual({ properties: managedIdentity });
    expect(value).toEqual({ name: "openai", properties: managedIdentity, etag: '"b1"' });
  });

  it("updates and deletes with the ETag that was read", async () => {
    const arm = fakeArm(() => ({
      status: 200,
      headers: { etag: '"b2"' },
      body: { name: "openai", properties: managedIdentity },
    }));
    const client = arm.client();
    await client.putBackend("openai", managedIdentity, { etag: '"b1"' });
    await client.deleteBackend("openai", { etag: '"b2"' });
    expect(arm.requests.map((request) => [request.method, request.headers["if-match"]])).toEqual([
      ["PUT", '"b1"'],
      ["DELETE", '"b2"'],
    ]);
  });

  it("gets with the ETag, HEADs for the ETag alone, and answers null for a missing one", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/openai")
        ? { status: 200, headers: { etag: '"b3"' }, body: { name: "openai", properties: managedIdentity } }
        : { status: 404 },
    );
    const client = arm.client();
    expect((await client.getBackend("openai")).value).toEqual({
      name: "openai",
      properties: managedIdentity,
      etag: '"b3"',
    });
    expect((await client.getBackendEtag("openai")).value).toBe('"b3"');
    expect((await client.getBackend("none")).value).toBeNull();
    expect((await client.getBackendEtag("none")).value).toBeNull();
    expect(arm.requests.map((request) => request.method)).toEqual(["GET", "HEAD", "GET", "HEAD"]);
  });

  it("lists across pages", async () => {
    const arm = fakeArm((request) =>
      request.url.searchParams.has("%24skip") || request.url.searchParams.has("$skip")
        ? { status: 200, body: { value: [{ name: "two", properties: { url: "https://two", protocol: "http" } }] } }
        : {
            status: 200,
            body: {
              value: [{ name: "one", properties: { url: "https://one", protocol: "http" } }],
              nextLink: `https://arm.test${servicePath}/backends?api-version=2024-06-01-preview&%24skip=1`,
            },
          },
    );
    const { value } = await arm.client().listBackends();
    expect(value.map((backend) => backend.name)).toEqual(["one", "two"]);
  });
});
