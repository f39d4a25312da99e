import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

let sim: TestSimulator;

// Every request's token check takes 1.2 s here: the simulator's own work before it handles a request.
beforeAll(async () => (sim = await startTestSimulator({ authenticationMs: 1_200 })));
afterAll(() => sim.close());

describe("an injected latency", () => {
  it("counts from the request's arrival: the simulator's own work before handling it is inside the latency, not added to it", async () => {
    const response = await sim.request("POST", "/_sandbox/faults", {
      body: { rules: [{ kind: "latency", ms: 1_500 }] },
    });
    expect(response.status).toBe(200);

    expect((await sim.request("GET", "/apis/azure-openai")).status).toBe(200);

    const [entry] = (await sim.requestLog()).filter((logged) => logged.url.includes("/apis/azure-openai"));
    expect(entry?.faults).toEqual(["latency"]);
    // 1.5 s after it arrived; the check's 1.2 s added to the latency would make it 2.7 s.
    expect(entry?.durationMs).toBeGreaterThanOrEqual(1_500);
    expect(entry?.durationMs).toBeLessThan(2_400);
  });
});
