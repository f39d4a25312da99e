import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "./test-support/test-gateway";

/**
 * The gateway's own controls (`/_sandbox/gateway/…`, loopback only) that benchmarks use: the
 * latency added to every API request, and the count of API requests received.
 */
let gw: TestGateway;
beforeAll(async () => (gw = await startTestGateway()));
afterAll(async () => {
  await gw?.close();
});

const setLatency = (body: unknown) => gw.call("/_sandbox/gateway/latency", { method: "PUT", body });
const chat = { model: "gpt-4o", messages: [{ role: "user", content: "hello" }], max_tokens: 1 };

describe("gateway controls", () => {
  it("sets the latency every API request waits for, still answering as without it, and counts API requests only", async () => {
    expect(gw.stats()).toMatchObject({ latencyMs: 0 });
    expect(await setLatency({ ms: 40 })).toMatchObject({ status: 200, json: { ms: 40 } });
    const before = gw.stats().requests;
    const answered = await gw.call("/models/chat/completions?api-version=2024-05-01-preview", {
      headers: { authorization: `Bearer ${await gw.callerToken(0)}` },
      body: chat,
    });
    expect(answered.status).toBe(200);
    expect(gw.stats()).toMatchObject({ latencyMs: 40, requests: before + 1 });
    expect(await setLatency({ ms: 0 })).toMatchObject({ status: 200, json: { ms: 0 } });
    expect(gw.stats()).toMatchObject({ latencyMs: 0, requests: before + 1 });
  });

  it("refuses a latency that is not a whole number of milliseconds up to a minute", async () => {
    for (const body of [{ ms: -1 }, { ms: 60_001 }, { ms: 1.5 }, { ms: "50" }, { ms: 50, jitter: 1 }, undefined]) {
      const refused = await setLatency(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.json).toEqual({ error: { message: 'The body must be {"ms": a whole number from 0 to 60000}.' } });
    }
    expect(gw.stats().latencyMs).toBe(0);
  });
});
