import { afterAll, beforeAll, expect, it } from "vitest";
import { startSimulatedApim, type SimulatedApim } from "../../../test/support/apim/simulated-apim";

let apim: SimulatedApim;

beforeAll(async () => {
  apim = await startSimulatedApim();
});

afterAll(async () => {
  await apim?.close();
});

it("lists 500 APIs across pages with one request per page", async () => {
  const { apis: seeded } = (await apim.control("POST", "/_sandbox/seed", {
    apis: 500,
    prefix: "many",
    withPolicy: false,
  })) as { apis: string[] };
  await apim.newRequests();
  const { value } = await apim.client().listApis();
  const names = new Set(value.map((api) => api.name));
  expect(seeded.every((name) => names.has(name))).toBe(true);
  expect(names.size).toBe(value.length);
  const pages = await apim.newRequests();
  // The simulator's page size is 100.
  expect(pages).toHaveLength(Math.ceil(value.length / 100));
  expect(pages.slice(1).every((request) => request.url.includes("skip"))).toBe(true);
});
