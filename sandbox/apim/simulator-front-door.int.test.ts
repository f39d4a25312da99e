import { networkInterfaces } from "node:os";
import type { RestError } from "@azure/core-rest-pipeline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

// What every ARM request goes through before a handler: bearer token, api-version, routing,
// standard headers; plus restarts, resets and the loopback-only sandbox controls.
let sim: TestSimulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});

afterAll(async () => {
  await sim.close();
});

function errorOf(response: { json: unknown }): { code: string; message: string } {
  return (response.json as { error: { code: string; message: string } }).error;
}

describe("bearer authentication", () => {
  it("refuses a missing, malformed, expired or wrongly addressed token with ARM's 401s", async () => {
    const missing = await sim.request("GET", "/apis", { token: null });
    expect([missing.status, errorOf(missing)]).toEqual([
      401,
      { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." },
    ]);
    const basic = await sim.request("GET", "/apis", { token: null, headers: { Authorization: "Basic dXNlcjpwYXNz" } });
    expect(errorOf(basic).code).toBe("AuthenticationFailedInvalidHeader");
    expect(errorOf(await sim.request("GET", "/apis", { token: "not.a.jwt" })).code).toBe("InvalidAuthenticationToken");
    expect(errorOf(await sim.request("GET", "/apis", { token: await sim.sign({ expiresInSeconds: -60 }) })).code).toBe(
      "ExpiredAuthenticationToken",
    );
    expect(
      errorOf(await sim.request("GET", "/apis", { token: await sim.sign({ aud: "https://graph.microsoft.com" }) }))
        .code,
    ).toBe("InvalidAuthenticationTokenAudience");
  });

  it("fails the SDK with a 401 RestError when its credential yields a bad token", async () => {
    const { ApiManagementClient } = await import("@azure/arm-apimanagement");
    const client = new ApiManagementClient(
      { getToken: async () => ({ token: "forged", expiresOnTimestamp: Date.now() + 60_000 }) },
      sim.simulator.subscriptionId,
      {
        $host: sim.simulator.armEndpoint,
        endpoint: sim.simulator.armEndpoint,
        credentialScopes: ["https://management.azure.com/.default"],
      },
    );
    const failure = await client.api
      .get(sim.simulator.resourceGroup, sim.simulator.serviceName, "azure-openai")
      .catch((error: RestError) => error);
    expect([(failure as RestError).statusCode, (failure as RestError).code]).toEqual([
      401,
      "InvalidAuthenticationToken",
    ]);
  });
});

describe("api-version and routing", () => {
  it("requires a supported api-version and names the supported ones", async () => {
    expect(errorOf(await sim.request("GET", "/apis", { apiVersion: null })).code).toBe("MissingApiVersionParameter");
    const old = await sim.request("GET", "/namedValues", { apiVersion: "2021-08-01" });
    expect(old.status).toBe(400);
    expect(errorOf(old)).toEqual({
      code: "NoRegisteredProviderFound",
      message:
        "No registered resource provider found for location 'westeurope' and API version '2021-08-01' for type 'service/namedValues'. The supported api-versions are '2022-08-01, 2024-05-01, 2024-06-01-preview'. The supported locations are 'westeurope'.",
    });
    for (const apiVersion of ["2022-08-01", "2024-05-01", "2024-06-01-preview"]) {
      expect((await sim.request("GET", "/namedValues", { apiVersion })).status).toBe(200);
    }
  });

  it("answers ARM's 404s outside the simulated service and 405 for an unsupported method", async () => {
    const otherGroup = sim.base.replace(
      `/resourceGroups/${sim.simulator.resourceGroup}/`,
      "/resourceGroups/elsewhere/",
    );
    expect(errorOf(await sim.request("GET", `${otherGroup}/apis`)).code).toBe("ResourceGroupNotFound");
    const otherService = sim.base.replace(`/service/${sim.simulator.serviceName}`, "/service/other-apim");
    expect((await sim.request("GET", `${otherService}/apis`)).status).toBe(404);
    const wrongMethod = await sim.request("POST", "/apis/azure-openai");
    expect([wrongMethod.status, errorOf(wrongMethod).code]).toEqual([405, "MethodNotAllowed"]);
  });

  it("answers GET of the service itself", async () => {
    const service = await sim.client().apiManagementService.get(sim.simulator.resourceGroup, sim.simulator.serviceName);
    expect(service).toMatchObject({
      name: sim.simulator.serviceName,
      provisioningState: "Succeeded",
      sku: { name: "Developer" },
    });
  });
});

describe("standard ARM headers", () => {
  it("sends request ids, echoes the client's correlation id and reports the rate-limit budget per kind", async () => {
    const read = await sim.request("GET", "/apis/azure-openai", {
      headers: { "x-ms-correlation-request-id": "my-correlation" },
    });
    expect(read.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.headers.get("x-ms-correlation-request-id")).toBe("my-correlation");
    expect(read.headers.get("x-ms-ratelimit-remaining-subscription-reads")).toMatch(/^\d+$/);
    expect(read.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(read.headers.get("etag")).toMatch(/^"[A-Za-z0-9+/=]+"$/);
    expect(read.text.startsWith('{\r\n  "id": ')).toBe(true);

    const own = await sim.request("GET", "/apis/azure-openai");
    expect(own.headers.get("x-ms-correlation-request-id")).toBe(own.headers.get("x-ms-request-id"));
    const write = await sim.request("PUT", "/backends/header-check", {
      body: { properties: { url: "https://x.invalid", protocol: "http" } },
    });
    expect(write.headers.get("x-ms-ratelimit-remaining-subscription-writes")).toMatch(/^\d+$/);
    const removal = await sim.request("DELETE", "/backends/header-check", { headers: { "If-Match": "*" } });
    expect(removal.headers.get("x-ms-ratelimit-remaining-subscription-deletes")).toMatch(/^\d+$/);
    expect(removal.headers.get("content-length")).toBe("0");
  });
});

describe("state on disk", () => {
  it("keeps entities and ETags across a restart and keeps issuing newer ETags", async () => {
    const client = sim.client();
    const rg = sim.simulator.resourceGroup;
    const svc = sim.simulator.serviceName;
    const nv = await client.namedValue.beginCreateOrUpdateAndWait(rg, svc, "durable", {
      displayName: "durable",
      value: "kept",
      secret: true,
    });
    const policy = await client.apiPolicy.createOrUpdate(rg, svc, "foundry-models", "policy", {
      value: '<policies><inbound><set-header name="x"><value>{{durable}}</value></set-header></inbound></policies>',
    });
    await sim.restart();
    const after = sim.client();
    expect((await after.namedValue.get(rg, svc, "durable")).eTag).toBe(nv.eTag);
    expect((await after.namedValue.listValue(rg, svc, "durable")).value).toBe("kept");
    expect((await after.apiPolicy.getEntityTag(rg, svc, "foundry-models", "policy")).eTag).toBe(policy.eTag);
    const newer = await after.namedValue.beginUpdateAndWait(rg, svc, "durable", nv.eTag as string, {
      value: "changed",
    });
    expect(newer.eTag).not.toBe(nv.eTag);
    // The policy's reference to it survived the restart too.
    expect(
      (await after.namedValue.delete(rg, svc, "durable", "*").catch((error: RestError) => error))?.statusCode,
    ).toBe(400);
  });

  it("goes back to the seeded state on POST /_sandbox/reset", async () => {
    await sim.request("PUT", "/backends/transient", {
      body: { properties: { url: "https://x.invalid", protocol: "http" } },
    });
    await sim.request("POST", "/_sandbox/faults", { body: { rules: [{ kind: "throttle" }] } });
    expect((await sim.request("POST", "/_sandbox/reset")).status).toBe(204);
    expect((await sim.request("GET", "/backends/transient")).status).toBe(404);
    expect((await sim.request("GET", "/apis/chat-token-limited")).status).toBe(200);
    expect(((await sim.request("GET", "/_sandbox/faults")).json as { rules: unknown[] }).rules).toEqual([]);
    // The log starts afresh: only the two reads made since the reset.
    expect(
      ((await sim.request("GET", "/_sandbox/requests")).json as { requests: { url: string }[] }).requests.map(
        (r) => r.url,
      ),
    ).toEqual([expect.stringContaining("/backends/transient"), expect.stringContaining("/apis/chat-token-limited")]);
  });
});

describe("an unseeded simulator", () => {
  it("starts empty when asked to", async () => {
    const empty = await startTestSimulator({ seed: false });
    try {
      expect((await empty.request("GET", "/apis")).json).toEqual({ value: [], count: 0 });
      expect((await empty.request("GET", "/namedValues")).json).toEqual({ value: [], count: 0 });
    } finally {
      await empty.close();
    }
  });
});

describe("several services on one endpoint", () => {
  it("keeps each service's APIs apart, seeds the one named, and refuses a service it does not serve", async () => {
    const estate = await startTestSimulator({
      seed: false,
      service: { serviceName: "estate-1" },
      moreServices: ["estate-2"],
    });
    try {
      const apisOf = async (service: string) => {
        const listed = await estate.request(
          "GET",
          `${estate.base.replace("/service/estate-1", `/service/${service}`)}/apis`,
        );
        return (listed.json as { value: { name: string }[] }).value.map((api) => api.name);
      };
      const seeded = await estate.request("POST", "/_sandbox/seed", {
        body: { apis: 2, prefix: "second", withPolicy: false, service: "Estate-2" },
      });
      expect([seeded.status, seeded.json]).toEqual([200, { apis: ["second-1", "second-2"], products: [] }]);
      await estate.request("POST", "/_sandbox/seed", { body: { apis: 1, prefix: "first", withPolicy: false } });
      expect(await apisOf("estate-2")).toEqual(["second-1", "second-2"]);
      expect(await apisOf("estate-1")).toEqual(["first-1"]);
      const unknown = await estate.request("POST", "/_sandbox/seed", { body: { apis: 1, service: "estate-3" } });
      expect([unknown.status, unknown.json]).toEqual([
        404,
        { error: { message: "This simulator serves no service named 'estate-3'." } },
      ]);
      expect(await apisOf("estate-1")).toEqual(["first-1"]);
    } finally {
      await estate.close();
    }
  });
});

describe("sandbox controls", () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === "IPv4" && !address.internal)?.address;

  it.skipIf(external === undefined)("answer loopback clients only", async () => {
    const exposed = await startTestSimulator({ host: "0.0.0.0" });
    try {
      const url = new URL("/_sandbox/faults", exposed.simulator.armEndpoint);
      const fromLoopback = await fetch(url);
      expect(fromLoopback.status).toBe(200);
      url.hostname = external as string;
      // The test certificate names only localhost, 127.0.0.1 and ::1, so check the status without TLS name checks.
      const { request } = await import("node:https");
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(url, { rejectUnauthorized: false }, (response) => {
          response.resume();
          resolve(response.statusCode);
        })
          .on("error", reject)
          .end();
      });
      expect(status).toBe(403);
    } finally {
      await exposed.close();
    }
  });

  it("answers 404 for an unknown control", async () => {
    expect((await sim.request("GET", "/_sandbox/nothing")).status).toBe(404);
  });
});
