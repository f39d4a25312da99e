import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

// Long-running operations that take more than one poll: the SDK keeps polling the Location
// while it answers 202 and stops at the final status.
let sim: TestSimulator;

beforeAll(async () => (sim = await startTestSimulator({ lro: { polls: 2, retryAfterSeconds: 1 } })));
afterAll(() => sim.close());

describe("long-running operations over several polls", () => {
  it("answers 202 with Location and Retry-After until the configured number of polls, then the result", async () => {
    const accepted = await sim.request("PUT", "/namedValues/slow", {
      body: { properties: { displayName: "slow", value: "v" } },
    });
    expect([accepted.status, accepted.headers.get("retry-after"), accepted.text]).toEqual([202, "1", ""]);
    const location = (accepted.headers.get("location") as string).slice(sim.simulator.armEndpoint.length);
    for (let poll = 0; poll < 2; poll++) {
      const running = await sim.request("GET", location, { apiVersion: null });
      expect([
        running.status,
        running.headers.get("location")?.endsWith(location),
        running.headers.get("retry-after"),
        running.text,
      ]).toEqual([202, true, "1", ""]);
    }
    const done = await sim.request("GET", location, { apiVersion: null });
    expect(done.status).toBe(201);
    expect(done.json).toMatchObject({ name: "slow", properties: { displayName: "slow", value: "v" } });
    expect(done.headers.get("etag")).toMatch(/^".+"$/);
  });

  it("is followed by the SDK until done: update, refresh and poll statuses as the log shows them", async () => {
    // The SDK waits the 202's Retry-After (1 s) between polls, whatever updateIntervalInMs says.
    const client = sim.client();
    const before = await sim.lastSeq();
    const updated = await client.namedValue.beginUpdateAndWait(
      sim.rg,
      sim.svc,
      "slow",
      "*",
      { value: "w" },
      { updateIntervalInMs: 5 },
    );
    expect(updated.value).toBe("w");
    const refreshed = await client.namedValue.beginRefreshSecretAndWait(sim.rg, sim.svc, "foundry-api-key", {
      updateIntervalInMs: 5,
    });
    expect(refreshed.keyVault?.lastStatus?.code).toBe("Success");
    expect((await sim.requestLog(before)).map((r) => `${r.method} ${r.status}`)).toEqual([
      "PATCH 202",
      "GET 202",
      "GET 202",
      "GET 200",
      "POST 202",
      "GET 202",
      "GET 202",
      "GET 200",
    ]);
  });
});
