import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { restErrorOf } from "./test-support/rest-error";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

let sim: TestSimulator;

beforeAll(async () => (sim = await startTestSimulator()));
afterAll(() => sim.close());

beforeEach(async () => {
  await sim.request("DELETE", "/_sandbox/faults");
  await sim.request("DELETE", "/_sandbox/requests");
});

async function faults(config: unknown): Promise<void> {
  const response = await sim.request("POST", "/_sandbox/faults", { body: config });
  expect(response.status).toBe(200);
}

async function firedCounts(): Promise<Record<string, number>> {
  return ((await sim.request("GET", "/_sandbox/faults")).json as { fired: Record<string, number> }).fired;
}

describe("injected faults", () => {
  it("answers 429 with Retry-After in ARM's throttling shape; the SDK waits and retries", async () => {
    await faults({ rules: [{ kind: "throttle", retryAfterSeconds: 3, limit: 1 }] });
    const throttled = await sim.request("GET", "/namedValues");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    expect(throttled.json).toEqual({
      error: {
        code: "SubscriptionRequestsThrottled",
        message: `Number of requests for subscription '${sim.simulator.subscriptionId}' and operation 'GET/SUBSCRIPTIONS/RESOURCEGROUPS/PROVIDERS/MICROSOFT.APIMANAGEMENT/SERVICE/NAMEDVALUES' exceeded the backend storage limit. Please try again after '3' seconds.`,
      },
    });

    await faults({ rules: [{ kind: "throttle", retryAfterSeconds: 0, limit: 1 }] });
    const nv = await sim.client({ maxRetries: 2 }).namedValue.get(sim.rg, sim.svc, "entra-tenant-id");
    expect(nv.displayName).toBe("entra-tenant-id");
    expect((await sim.requestLog()).slice(-2).map((r) => [r.status, r.faults])).toEqual([
      [429, ["throttle"]],
      [200, []],
    ]);

    await faults({ rules: [{ kind: "throttle", retryAfterSeconds: 7, limit: 1 }] });
    const noRetry = await restErrorOf(() =>
      sim.client({ maxRetries: 0 }).namedValue.get(sim.rg, sim.svc, "entra-tenant-id"),
    );
    expect([noRetry.statusCode, noRetry.code, noRetry.response?.headers.get("retry-after")]).toEqual([
      429,
      "SubscriptionRequestsThrottled",
      "7",
    ]);
  });

  it("answers 5xx; the SDK retries a transient one", async () => {
    await faults({ rules: [{ kind: "serverError", status: 503, retryAfterSeconds: 0, limit: 1 }] });
    const unavailable = await sim.request("GET", "/backends");
    expect([unavailable.status, (unavailable.json as { error: { code: string } }).error.code]).toEqual([
      503,
      "ServiceUnavailable",
    ]);

    await faults({ rules: [{ kind: "serverError", limit: 1 }] });
    const backend = await sim.client({ maxRetries: 2 }).backend.get(sim.rg, sim.svc, "azure-openai-backend");
    expect(backend.name).toBe("azure-openai-backend");
    expect((await sim.requestLog()).slice(-2).map((r) => r.status)).toEqual([500, 200]);
  });

  it("answers 403 AuthorizationFailed naming the refused action and scope, only where the rule matches", async () => {
    await faults({ rules: [{ kind: "forbidden", match: { path: "/products/[^/]+/policies/" } }] });
    const refused = await sim.request("GET", "/products/llm-standard/policies/policy");
    expect([refused.status, refused.json]).toEqual([
      403,
      {
        error: {
          code: "AuthorizationFailed",
          message: `The client does not have authorization to perform action 'Microsoft.ApiManagement/service/products/policies/read' over scope '${sim.base}/products/llm-standard/policies/policy' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        },
      },
    ]);
    expect((await sim.request("GET", "/products/llm-standard")).status).toBe(200);
    expect((await sim.requestLog()).slice(-2).map((r) => [r.status, r.faults])).toEqual([
      [403, ["forbidden"]],
      [200, []],
    ]);
  });

  it("drops the connection before handling; nothing happens and the SDK's retry succeeds", async () => {
    await faults({ rules: [{ kind: "drop", limit: 1 }] });
    await expect(sim.request("GET", "/apis")).rejects.toThrow();

    await faults({ rules: [{ kind: "drop", limit: 1, match: { methods: ["PUT"] } }] });
    const created = await sim
      .client({ maxRetries: 2 })
      .backend.createOrUpdate(sim.rg, sim.svc, "after-drop", { url: "https://x.invalid", protocol: "http" });
    expect(created.name).toBe("after-drop");
    const log = await sim.requestLog();
    expect(log.slice(-2).map((r) => [r.method, r.status, r.dropped])).toEqual([
      ["PUT", null, "request"],
      ["PUT", 201, null],
    ]);
  });

  it("drops the response after handling: the write happened, and a blind retry with the old If-Match gets 412", async () => {
    const client = sim.client({ maxRetries: 2 });
    const current = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "azure-openai", "policy", {
      value: '<policies><inbound><set-backend-service backend-id="azure-openai-backend" /></inbound></policies>',
    });
    await faults({
      rules: [
        { kind: "drop", phase: "afterHandling", limit: 1, match: { methods: ["PUT"], path: "/policies/policy$" } },
      ],
    });
    const changed = '<policies><inbound><set-backend-service backend-id="foundry-backend" /></inbound></policies>';
    const retried = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(
        sim.rg,
        sim.svc,
        "azure-openai",
        "policy",
        { value: changed },
        { ifMatch: current.eTag },
      ),
    );
    expect(retried.statusCode).toBe(412);
    expect((await sim.requestLog()).slice(-2).map((r) => [r.status, r.dropped, r.ifMatch])).toEqual([
      [200, "response", current.eTag],
      [412, null, current.eTag],
    ]);
    const stored = await sim.request("GET", "/apis/azure-openai/policies/policy");
    expect((stored.json as { properties: { value: string } }).properties.value).toContain(
      'backend-id="foundry-backend"',
    );
  });

  it("lets another writer change an entity just before a write, so the client's If-Match is stale", async () => {
    const client = sim.client();
    await faults({ rules: [{ kind: "concurrentWrite", limit: 3, match: { methods: ["PUT", "PATCH", "DELETE"] } }] });

    const policy = await sim.request("GET", "/apis/foundry-models/policies/policy");
    const etag = policy.headers.get("etag") as string;
    const stale = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(
        sim.rg,
        sim.svc,
        "foundry-models",
        "policy",
        { value: "<policies><inbound /></policies>" },
        { ifMatch: etag },
      ),
    );
    expect([stale.statusCode, stale.message]).toEqual([412, "Resource was modified since last retrieval."]);
    const after = await sim.request("GET", "/apis/foundry-models/policies/policy");
    expect(after.headers.get("etag")).not.toBe(etag);
    expect((after.json as { properties: { value: string } }).properties.value).toMatch(
      /<!-- Changed by another writer at .+ -->\r\n<\/policies>$/,
    );

    const nv = await client.namedValue.get(sim.rg, sim.svc, "entra-tenant-id");
    expect(
      (
        await restErrorOf(() =>
          client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "entra-tenant-id", nv.eTag as string, { value: "x" }),
        )
      ).statusCode,
    ).toBe(412);
    expect((await client.namedValue.get(sim.rg, sim.svc, "entra-tenant-id")).tags).toContain(
      "changed-by-another-writer",
    );

    const backend = await client.backend.get(sim.rg, sim.svc, "after-drop");
    expect(
      (await restErrorOf(() => client.backend.delete(sim.rg, sim.svc, "after-drop", backend.eTag as string)))
        .statusCode,
    ).toBe(412);
    expect((await client.backend.get(sim.rg, sim.svc, "after-drop")).description).toMatch(
      /^Changed by another writer at /,
    );
    expect((await firedCounts()).concurrentWrite).toBe(3);
  });

  it("has no other writer for an entity that does not exist yet, and does not count it", async () => {
    await faults({ rules: [{ kind: "concurrentWrite" }] });
    await sim
      .client()
      .backend.createOrUpdate(
        sim.rg,
        sim.svc,
        "brand-new",
        { url: "https://x.invalid", protocol: "http" },
        { ifMatch: "*" },
      );
    expect((await firedCounts()).concurrentWrite).toBe(0);
  });

  it("adds latency, with seeded jitter", async () => {
    await faults({ seed: 1, rules: [{ kind: "latency", ms: 60, jitterMs: 10 }] });
    await sim.request("GET", "/apis/azure-openai");
    const [entry] = await sim.requestLog();
    expect(entry?.faults).toEqual(["latency"]);
    expect(entry?.durationMs).toBeGreaterThanOrEqual(50);
  });

  it("answers a read from the state on its arrival while its latency passes; a write lands once its latency has", async () => {
    const description = async () =>
      ((await sim.request("GET", "/apis/azure-openai")).json as { properties: { description?: string } }).properties
        .description;
    const setDescription = (text: string) =>
      sim.request("PATCH", "/apis/azure-openai", {
        body: { properties: { description: text } },
        headers: { "If-Match": "*" },
      });
    const latencyFired = () =>
      vi.waitFor(async () => expect((await firedCounts()).latency).toBe(1), { timeout: 10_000, interval: 20 });
    await setDescription("before");

    // Long enough for a write to land while the read's latency passes.
    await faults({ rules: [{ kind: "latency", ms: 1500, limit: 1, match: { methods: ["GET"] } }] });
    const reading = sim.request("GET", "/apis/azure-openai");
    await latencyFired();
    await setDescription("during the read");
    expect(((await reading).json as { properties: { description?: string } }).properties.description).toBe("before");

    // Long enough for the read below to be answered while it passes, even on a loaded machine.
    await faults({ rules: [{ kind: "latency", ms: 4000, limit: 1, match: { methods: ["PATCH"] } }] });
    const writing = setDescription("after the write");
    await latencyFired();
    expect(await description()).toBe("during the read");
    expect((await writing).status).toBe(200);
    expect(await description()).toBe("after the write");
  });

  it("repeats the same faults for the same seed and request sequence", async () => {
    const config = { seed: 99, rules: [{ kind: "serverError", rate: 0.5, match: { methods: ["GET"] } }] };
    const run = async () => {
      await faults(config);
      const statuses = [];
      for (let i = 0; i < 30; i++) statuses.push((await sim.request("GET", "/apis/azure-openai")).status);
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("reports what fired and refuses an invalid configuration", async () => {
    await faults({
      rules: [
        { kind: "throttle", retryAfterSeconds: 0, rate: 1, limit: 2 },
        { kind: "latency", ms: 1 },
      ],
    });
    await sim.request("GET", "/apis");
    await sim.request("GET", "/apis");
    await sim.request("GET", "/apis");
    const snapshot = (await sim.request("GET", "/_sandbox/faults")).json as {
      rules: { kind: string; matched: number; fired: number }[];
      fired: Record<string, number>;
    };
    expect(snapshot.rules.map((rule) => [rule.kind, rule.matched, rule.fired])).toEqual([
      ["throttle", 2, 2],
      ["latency", 3, 3],
    ]);
    expect(snapshot.fired).toEqual({
      latency: 3,
      throttle: 2,
      serverError: 0,
      forbidden: 0,
      drop: 0,
      concurrentWrite: 0,
    });

    const invalid = await sim.request("POST", "/_sandbox/faults", { body: { rules: [{ kind: "throttle", rate: 5 }] } });
    expect(invalid.status).toBe(400);
    expect((invalid.json as { error: { issues: { path: string }[] } }).error.issues[0]?.path).toBe("rules.0.rate");
  });

  it("never applies faults to the sandbox controls", async () => {
    await faults({ rules: [{ kind: "serverError" }] });
    expect((await sim.request("GET", "/_sandbox/requests")).status).toBe(200);
    expect((await sim.request("GET", "/_sandbox/faults")).status).toBe(200);
  });
});

describe("request log", () => {
  it("records method, URL, status and the If-Match each request carried (the SDK's LRO poll re-sends it)", async () => {
    const client = sim.client();
    const nv = await client.namedValue.get(sim.rg, sim.svc, "entra-tenant-id");
    await client.namedValue.beginUpdateAndWait(sim.rg, sim.svc, "entra-tenant-id", nv.eTag as string, { tags: [] });
    await restErrorOf(() => client.namedValue.delete(sim.rg, sim.svc, "entra-tenant-id", "*"));
    const log = await sim.requestLog();
    expect(log.map((r) => [r.method, r.status, r.ifMatchSent, r.ifMatch])).toEqual([
      ["GET", 200, false, null],
      ["PATCH", 202, true, nv.eTag],
      // The SDK polls with the update's own request options, If-Match included; APIM (and
      // the simulator) ignore If-Match on GET, otherwise every polled update would fail.
      ["GET", 200, true, nv.eTag],
      ["DELETE", 400, true, "*"],
    ]);
    expect(log[1]?.url).toMatch(/\/namedValues\/entra-tenant-id\?api-version=2024-05-01$/);
    expect(log[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(log[0]?.startedAt as string).getTime()).toBeLessThanOrEqual(Date.now());
  });
});
