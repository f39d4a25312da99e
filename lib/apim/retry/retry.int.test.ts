import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ApimClient } from "../apim-client";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { startSimulatedApim, type FaultRuleInput, type SimulatedApim } from "../../../test/support/apim/simulated-apim";

// What the retry policy repeats, proven by counting the requests the simulator received.
let apim: SimulatedApim;
let client: ApimClient;

const policyPath = "/apis/azure-openai/policies/policy$";
const xml = (marker: string) =>
  `<policies><inbound><base /><set-header name="x-it" exists-action="override"><value>${marker}</value></set-header></inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;

beforeAll(async () => {
  apim = await startSimulatedApim();
  client = apim.client();
});

afterAll(async () => {
  await apim?.close();
});

beforeEach(async () => {
  await apim.clearFaults();
  await apim.newRequests();
});

const currentPolicyEtag = async () => (await client.getApiPolicy("azure-openai")).value!.etag;

describe("reads", () => {
  it("wait for Retry-After after a 429", async () => {
    await apim.faults([
      { kind: "throttle", retryAfterSeconds: 1, limit: 1, match: { methods: ["GET"], path: policyPath } },
    ]);
    const started = Date.now();
    const { value } = await client.getApiPolicy("azure-openai");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(value?.xml).toContain("<policies>");
    expect((await apim.newRequests()).map((request) => request.status)).toEqual([429, 200]);
  });

  it("are repeated after 5xx, dropped connections and attempts that time out", async () => {
    await apim.faults([
      { kind: "serverError", status: 500, limit: 1, match: { methods: ["GET"] } },
      { kind: "drop", phase: "beforeHandling", limit: 1, match: { methods: ["GET"] } },
      { kind: "serverError", status: 504, limit: 1, match: { methods: ["GET"] } },
    ]);
    await client.getApiPolicy("azure-openai");
    expect((await apim.newRequests()).map((request) => [request.status, request.dropped])).toEqual([
      [500, null],
      [null, "request"],
      [504, null],
      [200, null],
    ]);

    // The timeout leaves the retry ample time on a loaded machine (at 200 ms the retry itself
    // timed out in CI at load 30), and the delay is well past it.
    await apim.faults([{ kind: "latency", ms: 4_000, limit: 1, match: { methods: ["GET"] } }]);
    await apim.newRequests();
    const { trace } = await apim.client({ retry: { attemptTimeoutMs: 1_500 } }).getApiPolicy("azure-openai");
    expect(trace.attempts).toBe(2);
    // The abandoned attempt is still being answered (4 s); wait until the simulator has
    // logged it, or it would appear among the next test's requests.
    const logged = [];
    while (logged.length < 2) logged.push(...(await apim.newRequests()));
    expect(logged.map((request) => request.status)).toEqual([200, 200]);
  });

  it("stop after maxAttempts with an unavailable error that counts them", async () => {
    await apim.faults([{ kind: "throttle", retryAfterSeconds: 0, match: { methods: ["GET"] } }]);
    const error = await appErrorOf(apim.client({ retry: { maxAttempts: 3 } }).listApis());
    expect(error.code).toBe("unavailable");
    expect(error.details).toMatchObject({ status: 429, attempts: 3 });
    expect(await apim.newRequests()).toHaveLength(3);
  });
});

describe("conditional writes (If-Match)", () => {
  it("are repeated after a 500 and a dropped request", async () => {
    const etag = await currentPolicyEtag();
    await apim.newRequests();
    await apim.faults([
      { kind: "serverError", status: 500, limit: 1, match: { methods: ["PUT"] } },
      { kind: "drop", phase: "beforeHandling", limit: 1, match: { methods: ["PUT"] } },
    ]);
    const { trace } = await client.putApiPolicy("azure-openai", xml("after-500"), { etag });
    expect(trace.status).toBe(200);
    expect((await apim.newRequests()).map((request) => [request.method, request.ifMatch, request.status])).toEqual([
      ["PUT", etag, 500],
      ["PUT", etag, null],
      ["PUT", etag, 200],
    ]);
  });

  it("report a 412 after a lost response as possibly their own write", async () => {
    const etag = await currentPolicyEtag();
    await apim.faults([{ kind: "drop", phase: "afterHandling", limit: 1, match: { methods: ["PUT"] } }]);
    const error = await appErrorOf(client.putApiPolicy("azure-openai", xml("landed"), { etag }));
    expect(error.code).toBe("precondition_failed");
    expect(error.details).toMatchObject({ status: 412, attempts: 2, mayHaveLanded: true });
    // It did land: re-reading is how the caller reconciles.
    expect((await client.getApiPolicy("azure-openai")).value?.xml).toContain("landed");
  });

  it("are not repeated when another writer changed the entity (412)", async () => {
    const etag = await currentPolicyEtag();
    await apim.newRequests();
    await apim.faults([{ kind: "concurrentWrite", limit: 1, match: { methods: ["PUT"] } }]);
    const error = await appErrorOf(client.putApiPolicy("azure-openai", xml("clobber?"), { etag }));
    expect(error.code).toBe("precondition_failed");
    expect(error.details.mayHaveLanded).toBe(false);
    expect(await apim.newRequests()).toHaveLength(1);
  });

  it("deletes are repeated after a 502", async () => {
    const created = await client.putBackend(
      "it-retry-delete",
      { url: "https://x.example", protocol: "http" },
      "absent",
    );
    await apim.newRequests();
    await apim.faults([{ kind: "serverError", status: 502, limit: 1, match: { methods: ["DELETE"] } }]);
    await client.deleteBackend("it-retry-delete", { etag: created.value.etag });
    expect((await apim.newRequests()).map((request) => request.status)).toEqual([502, 200]);
  });
});

describe("unconditional writes (creates, POST)", () => {
  it("are repeated after a 429 or a 503 with Retry-After: nothing was done", async () => {
    await apim.faults([
      { kind: "throttle", retryAfterSeconds: 0, limit: 1, match: { methods: ["PUT"] } },
      { kind: "serverError", status: 503, retryAfterSeconds: 0, limit: 1, match: { methods: ["PUT"] } },
    ]);
    const { trace } = await client.putBackend(
      "it-create-throttled",
      { url: "https://x.example", protocol: "http" },
      "absent",
    );
    expect(trace.status).toBe(201);
    expect((await apim.newRequests()).map((request) => request.status)).toEqual([429, 503, 201]);
  });

  it("are not repeated after a 500 or a dropped connection, and say they may have landed", async () => {
    const rules: FaultRuleInput[] = [
      { kind: "serverError", status: 500, limit: 1, match: { methods: ["PUT"] } },
      { kind: "drop", phase: "afterHandling", limit: 1, match: { methods: ["PUT"] } },
    ];
    for (const rule of rules) {
      await apim.faults([rule]);
      const error = await appErrorOf(
        client.putBackend("it-create-ambiguous", { url: "https://x.example", protocol: "http" }, "absent"),
      );
      expect(error.code).toBe("unavailable");
      expect(error.details).toMatchObject({ attempts: 1, mayHaveLanded: true });
      expect(await apim.newRequests()).toHaveLength(1);
    }
  });

  it("a POST (refreshSecret) is not repeated after a dropped connection", async () => {
    await apim.faults([{ kind: "drop", phase: "beforeHandling", limit: 1, match: { methods: ["POST"] } }]);
    const error = await appErrorOf(client.refreshNamedValueSecret("foundry-api-key"));
    expect(error.details).toMatchObject({ attempts: 1, mayHaveLanded: true });
    expect(await apim.newRequests()).toHaveLength(1);
  });
});

describe("409 PessimisticConcurrencyConflict", () => {
  it("is retried until the API's running operation ends", async () => {
    // A simulator whose operations run 3 s whatever the polling, so that an API import
    // (a long-running PUT with format + value) keeps the API busy. At 300 ms a loaded CI
    // machine reached the policy PUT after the import had ended, and saw no 409.
    const busy = await startSimulatedApim({ lro: { polls: 1_000_000, maxDurationMs: 3_000 } });
    try {
      const api = (await busy.sim.request("GET", "/apis/azure-openai")) as {
        json: { properties: Record<string, unknown> };
        headers: Headers;
      };
      const definition = JSON.stringify({ openapi: "3.0.1", info: { title: "Azure OpenAI", version: "1" }, paths: {} });
      const body = { properties: { ...api.json.properties, format: "openapi+json", value: definition } };
      const putApi = await busy.sim.request("PUT", "/apis/azure-openai", {
        body,
        headers: { "If-Match": api.headers.get("etag") ?? "" },
      });
      expect(putApi.status).toBe(202);
      const etag = (await busy.client().getApiPolicy("azure-openai")).value!.etag;
      await busy.newRequests();
      const { trace } = await busy
        .client({ retry: { baseDelayMs: 50, maxDelayMs: 200, maxAttempts: 40 } })
        .putApiPolicy("azure-openai", xml("after-409"), { etag });
      expect(trace.status).toBe(200);
      const statuses = (await busy.newRequests()).map((request) => request.status);
      expect(statuses[0]).toBe(409);
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.slice(0, -1).every((status) => status === 409)).toBe(true);
    } finally {
      await busy.close();
    }
  });
});
