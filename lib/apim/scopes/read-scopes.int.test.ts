import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { peakConcurrency } from "../../../test/support/apim/peak-concurrency";
import { startSimulatedApim, type SimulatedApim } from "../../../test/support/apim/simulated-apim";
import { readApiScopes } from "./read-api-scopes";
import { readInstanceScopes, type ApiScopes, type InstanceScopes } from "./read-instance-scopes";
import { minimumApiReadRequests, minimumInstanceReadRequests, shapeOf } from "./read-bounds";
import type { ScopeRead } from "./scope-read";

// Pages of two make every list of the seed (4 APIs, 2 APIs in the product, 5 operations below) page.
const PAGE_SIZE = 2;
let apim: SimulatedApim;

beforeAll(async () => {
  apim = await startSimulatedApim({ pageSize: PAGE_SIZE });
  // foundry-models gets five operations in all: three pages.
  for (const n of [1, 2, 3]) {
    await apim.control("PUT", `/apis/foundry-models/operations/extra-${n}`, {
      properties: { displayName: `Extra ${n}`, method: "GET", urlTemplate: `/extra/${n}` },
    });
  }
  await apim.newRequests();
});

afterAll(async () => {
  await apim?.close();
});

function valueOf<T>(read: ScopeRead<T>): T {
  if (read.state !== "read") throw new Error(`unreadable: ${read.error.message}`);
  return read.value;
}

const apiNamed = (scopes: InstanceScopes, name: string): ApiScopes =>
  valueOf(scopes.apis).find((api) => api.api.name === name)!;

describe("reading every scope of an instance", () => {
  it("reads the service, the global policy, products with their APIs and policies, APIs with their policies, operations and theirs, at the request minimum", async () => {
    const scopes = await readInstanceScopes(apim.client(), { correlationId: "read-all-1" });
    const sent = await apim.newRequests();

    expect(valueOf(scopes.service).identity.type).toBe("SystemAssigned, UserAssigned");
    const global = valueOf(scopes.globalPolicy);
    expect(global?.xml).toContain("x-correlation-id");
    const globalEtag = (await apim.sim.request("GET", "/policies/policy")).headers.get("etag");
    expect(global?.etag).toBe(globalEtag);
    await apim.newRequests();

    const [product] = valueOf(scopes.products);
    expect(product?.product).toMatchObject({ name: "llm-standard", subscriptionRequired: true, state: "published" });
    expect(valueOf(product!.apis)).toEqual(["azure-openai", "foundry-models"]);
    expect(valueOf(product!.policy)?.xml).toContain("rate-limit");

    expect(valueOf(scopes.apis).map((api) => api.api.name)).toEqual([
      "azure-openai",
      "foundry-models",
      "chat-token-limited",
      "azure-openai-eu",
    ]);
    const openai = apiNamed(scopes, "azure-openai");
    expect(valueOf(openai.policy)?.xml).toContain('backend-id="azure-openai-backend"');
    const operations = valueOf(openai.operations);
    expect(operations.map(({ operation }) => [operation.name, operation.method, operation.urlTemplate])).toEqual([
      ["ChatCompletions_Create", "POST", "/deployments/{deployment-id}/chat/completions?api-version={api-version}"],
      ["embeddings_create", "POST", "/deployments/{deployment-id}/embeddings?api-version={api-version}"],
    ]);
    // 404 at an operation without a policy is "no policy here", not a failure.
    expect(operations[0]!.policy).toMatchObject({ state: "read", value: null });
    expect(valueOf(operations[1]!.policy)?.xml).not.toMatch(/<inbound>\s*<base \/>/);
    expect(valueOf(apiNamed(scopes, "foundry-models").operations)).toHaveLength(5);

    // 2 + pages(1 product) 1 + pages(2 APIs of it) 1 + 1 product policy + pages(4 APIs) 2 + 4 API policies
    // + operation lists 1 + 3 + 1 + 1 + 9 operation policies = 26.
    expect(scopes.requests).toBe(26);
    expect(minimumInstanceReadRequests(shapeOf(scopes), PAGE_SIZE)).toBe(26);
    expect(sent).toHaveLength(26);
    expect(sent.every((request) => request.method === "GET" && request.correlationId === "read-all-1")).toBe(true);
  });

  it("keeps to the concurrency limit, and starts what depends on a page as soon as that page arrives", async () => {
    await apim.faults([{ kind: "latency", ms: 100 }]);
    try {
      await readInstanceScopes(apim.client(), { concurrency: 4 });
      const limited = await apim.newRequests();
      expect(limited).toHaveLength(26);
      expect(peakConcurrency(limited)).toBeLessThanOrEqual(4);

      await readInstanceScopes(apim.client(), { concurrency: 16 });
    } finally {
      await apim.clearFaults();
    }
    const sent = await apim.newRequests();
    const secondApiPage = sent.find((request) => /\/apis\?.*skip=2/.test(request.url))!;
    const firstOperationList = sent.find((request) => request.url.includes("/apis/azure-openai/operations?"))!;
    // With slots free, the first page's APIs were being read before the second page of APIs had come back.
    expect(Date.parse(firstOperationList.startedAt)).toBeLessThan(
      Date.parse(secondApiPage.startedAt) + secondApiPage.durationMs,
    );
  });

  it("hands over each API as soon as it is read, with the shared scopes, before the read ends", async () => {
    const handed: Array<{ name: string; shared: Promise<unknown>; whileReading: boolean }> = [];
    let reading = true;
    const read = readInstanceScopes(apim.client(), {
      onApi: (api, shared) => handed.push({ name: api.api.name, shared, whileReading: reading }),
    });
    const scopes = await read.finally(() => (reading = false));
    await apim.newRequests();

    expect(handed.map((api) => api.name)).toEqual(
      expect.arrayContaining(valueOf(scopes.apis).map((api) => api.api.name)),
    );
    expect(handed).toHaveLength(4);
    expect(handed.every((api) => api.whileReading)).toBe(true);
    expect(await handed[0]!.shared).toEqual({
      service: scopes.service,
      globalPolicy: scopes.globalPolicy,
      products: scopes.products,
    });
  });

  it("reports a scope ARM refuses as unreadable with ARM's status and ids, and still reads the others", async () => {
    await apim.faults([
      { kind: "forbidden", match: { path: "/products/[^/]+/policies/policy$" } },
      { kind: "forbidden", match: { path: "/apis/foundry-models/operations$" } },
      { kind: "serverError", status: 500, match: { path: "/service/[^/]+/policies/policy$" } },
    ]);
    let scopes: InstanceScopes;
    try {
      scopes = await readInstanceScopes(apim.client({ retry: { maxAttempts: 2 } }), { correlationId: "read-all-2" });
    } finally {
      await apim.clearFaults();
    }
    const sent = await apim.newRequests();
    const [product] = valueOf(scopes.products);
    const refused = product!.policy;
    expect(refused.state).toBe("unreadable");
    if (refused.state !== "unreadable") return;
    const logged = sent.find((request) => request.url.includes("/products/llm-standard/policies/policy"))!;
    expect(refused.error).toEqual({
      code: "upstream",
      message: expect.stringContaining("policy of product 'llm-standard' (403 AuthorizationFailed"),
      status: 403,
      armCode: "AuthorizationFailed",
      armMessage: expect.stringContaining("Microsoft.ApiManagement/service/products/policies/read"),
      correlationId: "read-all-2",
      requestIds: [logged.requestId],
    });
    expect(apiNamed(scopes, "foundry-models").operations).toMatchObject({
      state: "unreadable",
      error: { status: 403, armCode: "AuthorizationFailed" },
    });
    // A 500 on every attempt: unavailable, after the retry budget's two attempts.
    expect(scopes.globalPolicy).toMatchObject({
      state: "unreadable",
      error: { code: "unavailable", status: 500, armCode: "InternalServerError" },
    });
    expect(valueOf(product!.apis)).toEqual(["azure-openai", "foundry-models"]);
    expect(valueOf(apiNamed(scopes, "azure-openai").operations)).toHaveLength(2);
    // Every request is counted, the global policy's retry included; the refused first page of foundry's
    // operations left its two other pages and five operation policies unasked.
    expect(scopes.requests).toBe(sent.length);
    expect(sent).toHaveLength(26 - 2 - 5 + 1);
  });
});

describe("reading the scopes of one API on demand", () => {
  it("reads the service, the global policy, the API, the products holding it with their policies, its policy, operations and theirs", async () => {
    const scopes = await readApiScopes(apim.client(), "azure-openai", { correlationId: "read-api-1" });
    const sent = await apim.newRequests();
    expect(valueOf(scopes.service).identity.userAssignedIdentities).toBeDefined();
    expect(valueOf(scopes.globalPolicy)?.xml).toContain("<cors");
    expect(valueOf(scopes.api)).toMatchObject({ name: "azure-openai", subscriptionRequired: true });
    const [product] = valueOf(scopes.products);
    expect(product?.product.name).toBe("llm-standard");
    expect(valueOf(product!.policy)?.etag).toMatch(/^"/);
    expect(valueOf(scopes.policy)?.xml).toContain("azure-openai-backend");
    expect(valueOf(scopes.operations).map(({ operation }) => operation.name)).toEqual([
      "ChatCompletions_Create",
      "embeddings_create",
    ]);
    expect(scopes.requests).toBe(minimumApiReadRequests({ products: 1, operations: 2 }, PAGE_SIZE));
    expect(sent).toHaveLength(9);
    expect(sent.every((request) => request.correlationId === "read-api-1")).toBe(true);
  });

  it("reads an API in no product, and an API that no longer exists as null", async () => {
    const alone = await readApiScopes(apim.client(), "chat-token-limited");
    expect(valueOf(alone.products)).toEqual([]);
    expect(alone.requests).toBe(minimumApiReadRequests({ products: 0, operations: 1 }, PAGE_SIZE));
    expect((await apim.newRequests()).length).toBe(alone.requests);

    const gone = await readApiScopes(apim.client(), "gone");
    expect(gone.api).toMatchObject({ state: "read", value: null });
    expect(gone.policy).toMatchObject({ state: "read", value: null });
    expect(gone.operations).toMatchObject({ state: "unreadable", error: { code: "not_found", status: 404 } });
    await apim.newRequests();
  });
});
