import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApimClient } from "../apim-client";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { startSimulatedApim, type SimulatedApim } from "../../../test/support/apim/simulated-apim";

// The API list as sync reads it: every page (nextLink) in one call, ARM's errors as every read has them.
let apim: SimulatedApim;
let seeded: string[];
// The simulator's page size is 100: the seeded 500 and the first-start APIs make 6 pages.
const PAGE_SIZE = 100;

beforeAll(async () => {
  apim = await startSimulatedApim();
  ({ apis: seeded } = (await apim.control("POST", "/_sandbox/seed", {
    apis: 500,
    prefix: "many",
    withPolicy: false,
  })) as { apis: string[] });
  // An API whose list entry carries every field discovery keeps, none of them defaulted.
  const keyed = await apim.sim.request("PUT", "/apis/keyed-v2", {
    body: {
      properties: {
        displayName: "Keyed v2",
        path: "keyed",
        serviceUrl: "https://keyed.example/openai",
        protocols: ["https"],
        type: "http",
        apiVersion: "v2",
        subscriptionRequired: false,
        subscriptionKeyParameterNames: { header: "api-key", query: "key" },
      },
    },
  });
  expect(keyed.status).toBeLessThan(300);
});

afterAll(async () => {
  await apim?.close();
});

beforeEach(async () => {
  await apim.clearFaults();
  await apim.newRequests();
});

describe("listApis against the simulator", () => {
  it("lists 500 APIs across pages with one request per page, all in one call", async () => {
    const pageSizes: number[] = [];
    const { value, trace } = await apim.client().listApis({ onPage: (items) => pageSizes.push(items.length) });
    const names = new Set(value.map((api) => api.name));
    expect(seeded.every((name) => names.has(name))).toBe(true);
    expect(names.size).toBe(value.length);
    const pages = await apim.newRequests();
    expect(pages).toHaveLength(Math.ceil(value.length / PAGE_SIZE));
    expect(pages.slice(1).every((request) => request.url.includes("skip"))).toBe(true);
    // Each page was handed over as it arrived, in order.
    expect(pageSizes).toEqual(pages.map((_, i) => Math.min(PAGE_SIZE, value.length - i * PAGE_SIZE)));
    expect(new Set(pages.map((request) => request.correlationId))).toEqual(new Set([trace.correlationId]));
    expect(trace.requestIds).toEqual(pages.map((request) => request.requestId));
  });

  it("gives every API the fields a read of that API gives", async () => {
    const client = apim.client();
    const { value } = await client.listApis();
    const firstStart = value.filter((api) => !api.name.startsWith("many"));
    expect(firstStart.map((api) => api.name)).toContain("keyed-v2");
    const reads = await Promise.all(firstStart.map((api) => client.getApi(api.name)));
    expect(firstStart).toEqual(reads.map(({ value: read }) => withoutEtag(read!)));
    expect(firstStart.find((api) => api.name === "keyed-v2")).toEqual({
      name: "keyed-v2",
      displayName: "Keyed v2",
      path: "keyed",
      serviceUrl: "https://keyed.example/openai",
      apiRevision: "1",
      isCurrent: true,
      apiVersion: "v2",
      apiType: "http",
      subscriptionRequired: false,
      subscriptionKeyHeader: "api-key",
    });
  });

  it("repeats a later page that answered 503 or 429, and goes on from it", async () => {
    await apim.faults([
      { kind: "serverError", status: 503, limit: 1, match: { methods: ["GET"], path: "/apis$", query: "skip=200" } },
      {
        kind: "throttle",
        retryAfterSeconds: 0,
        limit: 1,
        match: { methods: ["GET"], path: "/apis$", query: "skip=400" },
      },
    ]);
    const { value, trace } = await apim.client().listApis();
    expect(value.filter((api) => api.name.startsWith("many"))).toHaveLength(500);
    const requests = await apim.newRequests();
    expect(requests.map((request) => request.status)).toEqual([200, 200, 503, 200, 200, 429, 200, 200]);
    expect(trace.attempts).toBe(requests.length);
  });

  it("fails as a whole with ARM's error when a later page is refused, asking for nothing after it", async () => {
    await apim.faults([{ kind: "forbidden", match: { methods: ["GET"], path: "/apis$", query: "skip=200" } }]);
    const handed: number[] = [];
    const error = await appErrorOf(apim.client().listApis({ onPage: (items) => handed.push(items.length) }));
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(
      /^ARM refused Portcullis's identity for the APIs of service '[^']+' \(403 AuthorizationFailed: /,
    );
    const requests = await apim.newRequests();
    expect(requests.map((request) => request.status)).toEqual([200, 200, 403]);
    expect(error.details).toMatchObject({
      status: 403,
      armCode: "AuthorizationFailed",
      correlationId: requests[0]!.correlationId,
      requestIds: requests.map((request) => request.requestId),
      attempts: 3,
      mayHaveLanded: false,
    });
    expect(handed).toEqual([PAGE_SIZE, PAGE_SIZE]);
  });

  it("gives up on a page that keeps failing after the retry budget, naming the status and attempts", async () => {
    await apim.faults([
      { kind: "serverError", status: 500, match: { methods: ["GET"], path: "/apis$", query: "skip=100" } },
    ]);
    const error = await appErrorOf(apim.client({ retry: { maxAttempts: 3 } }).listApis());
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/^ARM answered 500 for the APIs of service '[^']+' after 4 attempt\(s\)/);
    expect(error.details).toMatchObject({ status: 500, attempts: 4 });
    expect((await apim.newRequests()).map((request) => request.status)).toEqual([200, 500, 500, 500]);
  });

  it("answers not_found for a service that does not exist", async () => {
    const { subscriptionId, resourceGroup, armEndpoint } = apim.sim.simulator;
    const client = createApimClient(
      { subscriptionId, resourceGroup, serviceName: "no-such-service", armEndpoint },
      apim.sim.credential,
    );
    const error = await appErrorOf(client.listApis());
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("The APIs of service 'no-such-service' was not found in APIM");
    expect(error.details).toMatchObject({ status: 404, attempts: 1 });
  });
});

function withoutEtag<T extends { etag?: string }>(api: T): Omit<T, "etag"> {
  const { etag: _etag, ...rest } = api;
  return rest;
}
