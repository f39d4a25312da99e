import { describe, expect, it } from "vitest";
import type { AccessScopesRead } from "../../access/read-api-access";
import type { ApimClient } from "../../apim";
import type { PlanReads } from "./plan-reads";
import { withReadsAhead, type ReadsAhead } from "./reads-ahead";

const instance = {
  id: "00000000-0000-4000-8000-000000000001",
  subscriptionId: "sub",
  resourceGroup: "rg",
  serviceName: "apim-dev",
  armEndpoint: "https://management.azure.com",
};
const api = { id: "00000000-0000-4000-8000-0000000000aa", apimName: "openai", instance };

const ownClient = { name: "own" } as unknown as ApimClient;
const ownScopes = Promise.resolve({ own: true } as unknown as AccessScopesRead);
const reads: PlanReads = {
  apim: () => ownClient,
  accessScopes: () => ownScopes,
  fingerprints: async () => new Map(),
  backendSteps: async () => [],
};
const ahead: ReadsAhead = {
  apiId: api.id,
  apimName: api.apimName,
  instance,
  apim: { name: "ahead" } as unknown as ApimClient,
  scopes: Promise.resolve({ ahead: true } as unknown as AccessScopesRead),
};

describe("withReadsAhead", () => {
  it("gives the plan the reads sent ahead when the API is where they were sent", () => {
    const planned = withReadsAhead(reads, ahead, { ...api, instance: { ...instance } });
    expect(planned.apim(instance)).toBe(ahead.apim);
    expect(planned.accessScopes(api, "correlation")).toBe(ahead.scopes);
    // Another instance or API of the same reads is read as before.
    expect(planned.apim({ ...instance, id: "another" })).toBe(ownClient);
    expect(planned.accessScopes({ ...api, id: "another" }, "correlation")).toBe(ownScopes);
  });

  it.each([
    ["the API", { id: "00000000-0000-4000-8000-0000000000bb" }],
    ["its name in APIM", { apimName: "renamed" }],
    ["its instance", { instance: { ...instance, id: "00000000-0000-4000-8000-000000000002" } }],
    ["the subscription", { instance: { ...instance, subscriptionId: "other-sub" } }],
    ["the resource group", { instance: { ...instance, resourceGroup: "other-rg" } }],
    ["the service", { instance: { ...instance, serviceName: "apim-prod" } }],
    ["the ARM endpoint", { instance: { ...instance, armEndpoint: "https://management.usgovcloudapi.net" } }],
  ])("drops them when %s differs from where they were sent", (_what, change) => {
    expect(withReadsAhead(reads, ahead, { ...api, ...change })).toBe(reads);
  });

  it("keeps the plan's own reads when nothing was read ahead", () => {
    expect(withReadsAhead(reads, null, api)).toBe(reads);
  });
});
