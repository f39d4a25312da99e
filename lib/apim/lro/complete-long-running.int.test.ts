import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulatedApim, type SimulatedApim } from "../../../test/support/apim/simulated-apim";

let apim: SimulatedApim;

beforeAll(async () => {
  // Like APIM: the operation is still running at the first poll, and the simulator asks for 1 s between polls.
  apim = await startSimulatedApim({ lro: { polls: 1, retryAfterSeconds: 1 } });
});

afterAll(async () => {
  await apim?.close();
});

it("polls a named-value write's Location no sooner than Retry-After says, until its final answer", async () => {
  await apim.newRequests();
  const started = Date.now();
  const { value, trace } = await apim
    .client({ pollIntervalMs: 5 })
    .putNamedValue("it-lro", { displayName: "it-lro", value: "plain", secret: false }, "absent");
  const elapsed = Date.now() - started;
  expect(value).toMatchObject({ name: "it-lro", secret: false });
  expect(trace.status).toBe(201);

  const sent = await apim.newRequests();
  expect(sent.map((request) => [request.method, request.status])).toEqual([
    ["PUT", 202],
    ["GET", 202],
    ["GET", 201],
  ]);
  expect(sent.slice(1).every((request) => request.url.includes("asyncId="))).toBe(true);
  // Two waits of Retry-After: 1 s, not the 5 ms poll interval.
  expect(elapsed).toBeGreaterThanOrEqual(2_000);
  expect(trace.requestIds).toEqual(sent.map((request) => request.requestId));
});
