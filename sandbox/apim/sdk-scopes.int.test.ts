import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody, restErrorOf } from "./test-support/rest-error";
import { startTestSimulator, type RawResponse, type TestSimulator } from "./test-support/test-simulator";

/**
 * Every policy scope a call runs through, and what joins them: the global policy, products
 * (with their APIs and policies), the operations of an API (with their policies), and the
 * service's managed identities — through the SDK where it works, raw where it does not.
 */
let sim: TestSimulator;

beforeAll(async () => (sim = await startTestSimulator({ lro: { polls: 2 } })));
afterAll(() => sim.close());

const policyOf = (response: RawResponse) => (response.json as { properties: { value: string } }).properties.value;
const errorOf = (response: RawResponse) => (response.json as { error: { code: string; message: string } }).error;

describe("the seeded scopes", () => {
  it("lists the seeded product with what the access analysis needs", async () => {
    const products = [];
    for await (const product of sim.client().product.listByService(sim.rg, sim.svc)) products.push(product);
    expect(products).toEqual([
      expect.objectContaining({
        name: "llm-standard",
        displayName: "LLM Standard",
        subscriptionRequired: true,
        approvalRequired: false,
        state: "published",
      }),
    ]);
  });

  it("lists a product's APIs and an API's products, both ways round", async () => {
    const client = sim.client();
    const apis = [];
    for await (const api of client.productApi.listByProduct(sim.rg, sim.svc, "llm-standard")) apis.push(api);
    expect(apis.map((api) => [api.name, api.path])).toEqual([
      ["azure-openai", "openai"],
      ["foundry-models", "models"],
    ]);
    expect(apis[0]?.id).toBe(`${sim.base}/products/llm-standard/apis/azure-openai`);
    const holding = [];
    for await (const product of client.apiProduct.listByApis(sim.rg, sim.svc, "azure-openai")) holding.push(product);
    expect(holding.map((product) => [product.name, product.subscriptionRequired])).toEqual([["llm-standard", true]]);
    const none = [];
    for await (const product of client.apiProduct.listByApis(sim.rg, sim.svc, "chat-token-limited")) none.push(product);
    expect(none).toEqual([]);
  });

  it("lists the operations of the seeded APIs with realistic URL templates", async () => {
    const operations = async (apiId: string) => {
      const found = [];
      for await (const operation of sim.client().apiOperation.listByApi(sim.rg, sim.svc, apiId))
        found.push([operation.name, operation.method, operation.urlTemplate]);
      return found;
    };
    expect(await operations("azure-openai")).toEqual([
      ["ChatCompletions_Create", "POST", "/deployments/{deployment-id}/chat/completions?api-version={api-version}"],
      ["embeddings_create", "POST", "/deployments/{deployment-id}/embeddings?api-version={api-version}"],
    ]);
    expect(await operations("foundry-models")).toEqual([
      ["getChatCompletions", "POST", "/chat/completions?api-version={api-version}"],
      ["getModelInfo", "GET", "/info?api-version={api-version}"],
    ]);
  });

  it("holds a policy at every scope: global without <base />, the product's, and an operation's that drops <base />", async () => {
    const global = await sim.request("GET", "/policies/policy");
    expect(global.status).toBe(200);
    expect(global.headers.get("etag")).toMatch(/^"[A-Za-z0-9+/=]+"$/);
    expect(policyOf(global)).toContain('<set-header name="x-correlation-id" exists-action="skip">');
    expect(policyOf(global)).not.toContain("<base />");

    const product = await sim.request("GET", "/products/llm-standard/policies/policy");
    expect(product.json).toMatchObject({
      id: `${sim.base}/products/llm-standard/policies/policy`,
      type: "Microsoft.ApiManagement/service/products/policies",
      name: "policy",
    });
    expect(policyOf(product)).toContain('<rate-limit calls="60" renewal-period="60" />');

    const operation = await sim.request("GET", "/apis/azure-openai/operations/embeddings_create/policies/policy");
    expect(operation.json).toMatchObject({ type: "Microsoft.ApiManagement/service/apis/operations/policies" });
    const inbound = /<inbound>([\s\S]*?)<\/inbound>/.exec(policyOf(operation))?.[1] ?? "";
    expect(inbound).toContain('<set-backend-service backend-id="azure-openai-backend" />');
    expect(inbound).not.toContain("<base />");

    const overridden = policyOf(await sim.request("GET", "/apis/azure-openai-eu/policies/policy"));
    expect(overridden.indexOf('backend-id="azure-openai-backend"')).toBeLessThan(overridden.indexOf("base-url="));
  });

  it("answers 404 Policy not found for a scope without a policy, and its parent's 404 when the parent is missing", async () => {
    const absent = await sim.request("GET", "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy");
    expect([absent.status, errorOf(absent)]).toEqual([
      404,
      { code: "ResourceNotFound", message: "Policy not found.", details: null },
    ]);
    expect(
      (await sim.request("HEAD", "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy")).status,
    ).toBe(404);
    const noProduct = await sim.request("GET", "/products/nope/policies/policy");
    expect([noProduct.status, errorOf(noProduct).message]).toEqual([404, "Product not found."]);
    const noOperation = await sim.request("GET", "/apis/azure-openai/operations/nope/policies/policy");
    expect([noOperation.status, errorOf(noOperation).message]).toEqual([404, "Operation not found."]);
    const noApi = await sim.request("GET", "/apis/nope/operations");
    expect([noApi.status, errorOf(noApi).message]).toEqual([404, "Api not found."]);
  });

  it("answers the service's gateway URL and its managed identities", async () => {
    const service = (await sim.client().apiManagementService.get(sim.rg, sim.svc)) as {
      gatewayUrl?: string;
      identity?: unknown;
    };
    expect(service.gatewayUrl).toBe(`https://${sim.svc}.azure-api.net`);
    expect(service.identity).toEqual({
      type: "SystemAssigned, UserAssigned",
      principalId: "00000000-0000-0000-0000-00000000a91d",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      userAssignedIdentities: {
        [`/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/portcullis-sandbox/providers/Microsoft.ManagedIdentity/userAssignedIdentities/portcullis-sandbox-llm-client`]:
          { principalId: "00000000-0000-0000-0000-00000000b01e", clientId: "00000000-0000-0000-0000-00000000c11e" },
      },
    });
  });
});

describe("writing scopes", () => {
  it("creates, replaces (same ETag when identical) and deletes the global policy with If-Match", async () => {
    const value = "<policies><inbound /><backend><forward-request /></backend><outbound /></policies>";
    const current = await sim.request("GET", "/policies/policy");
    const stale = await sim.request("PUT", "/policies/policy", {
      headers: { "If-Match": '"AAAAAAAAAAE="' },
      body: { properties: { value } },
    });
    expect(stale.status).toBe(412);
    const replaced = await sim.request("PUT", "/policies/policy", {
      headers: { "If-Match": current.headers.get("etag") as string },
      body: { properties: { value } },
    });
    expect(replaced.status).toBe(200);
    expect(policyOf(replaced)).toBe(
      "<policies>\r\n  <inbound />\r\n  <backend>\r\n    <forward-request />\r\n  </backend>\r\n  <outbound />\r\n</policies>",
    );
    const again = await sim.request("PUT", "/policies/policy", { body: { properties: { value } } });
    expect([again.status, again.headers.get("etag")]).toEqual([200, replaced.headers.get("etag")]);
    expect((await sim.request("DELETE", "/policies/policy")).status).toBe(400);
    expect(
      (await sim.request("DELETE", "/policies/policy", { headers: { "If-Match": replaced.headers.get("etag")! } }))
        .status,
    ).toBe(200);
    expect((await sim.request("GET", "/policies/policy")).status).toBe(404);
    expect((await sim.request("DELETE", "/policies/policy", { headers: { "If-Match": "*" } })).status).toBe(204);
    const created = await sim.request("PUT", "/policies/policy", { body: { properties: { value } } });
    expect(created.status).toBe(201);
  });

  it("validates every scope's policy like an API policy: malformed XML and unknown references are refused", async () => {
    const malformed = await restErrorOf(() =>
      sim
        .client()
        .productPolicy.createOrUpdate(sim.rg, sim.svc, "llm-standard", "policy", { value: "<policies><inbound>" }),
    );
    expect(malformed.statusCode).toBe(400);
    expect(errorBody(malformed).error.details).toEqual([
      expect.objectContaining({ code: "ValidationError", target: "representation" }),
    ]);
    const unknown = await sim.request("PUT", "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy", {
      body: {
        properties: {
          value: '<policies><inbound><base /><set-backend-service backend-id="nowhere" /></inbound></policies>',
        },
      },
    });
    expect(unknown.status).toBe(400);
    expect(errorOf(unknown).message).toBe("One or more fields contain incorrect values:");
  });

  it("creates a product with APIM's defaults, links APIs (201, then 200), checks and unlinks them", async () => {
    const client = sim.client();
    const created = await sim.request("PUT", "/products/starter", {
      body: { properties: { displayName: "Starter" } },
    });
    expect(created.status).toBe(201);
    expect((created.json as { properties: unknown }).properties).toEqual({
      displayName: "Starter",
      subscriptionRequired: true,
      approvalRequired: false,
      state: "notPublished",
    });
    const open = await client.product.createOrUpdate(sim.rg, sim.svc, "open", {
      displayName: "Open",
      subscriptionRequired: false,
      state: "published",
    });
    expect([open.subscriptionRequired, open.approvalRequired]).toEqual([false, undefined]);
    const refused = await sim.request("PUT", "/products/bad", {
      body: { properties: { displayName: "Bad", subscriptionRequired: false, approvalRequired: true } },
    });
    expect(refused.status).toBe(400);

    const link = await sim.request("PUT", "/products/starter/apis/chat-token-limited");
    expect([link.status, (link.json as { type: string }).type]).toEqual([201, "Microsoft.ApiManagement/service/apis"]);
    expect((await sim.request("PUT", "/products/starter/apis/chat-token-limited")).status).toBe(200);
    expect((await sim.request("HEAD", "/products/starter/apis/chat-token-limited")).status).toBe(204);
    expect((await sim.request("HEAD", "/products/starter/apis/azure-openai")).status).toBe(404);
    expect((await sim.request("PUT", "/products/starter/apis/nope")).status).toBe(404);
    expect((await sim.request("DELETE", "/products/starter/apis/chat-token-limited")).status).toBe(200);
    expect((await sim.request("DELETE", "/products/starter/apis/chat-token-limited")).status).toBe(204);
  });

  it("deleting a product takes its memberships and policy with it", async () => {
    await sim.request("PUT", "/products/short-lived", { body: { properties: { displayName: "Short-lived" } } });
    await sim.request("PUT", "/products/short-lived/apis/foundry-models");
    await sim.request("PUT", "/products/short-lived/policies/policy", {
      body: { properties: { value: "<policies><inbound><base /></inbound></policies>" } },
    });
    expect((await sim.request("DELETE", "/products/short-lived", { headers: { "If-Match": "*" } })).status).toBe(200);
    const holding = await sim.request("GET", "/apis/foundry-models/products");
    expect((holding.json as { value: { name: string }[] }).value.map((product) => product.name)).toEqual([
      "llm-standard",
    ]);
    await sim.request("PUT", "/products/short-lived", { body: { properties: { displayName: "Short-lived" } } });
    expect((await sim.request("GET", "/products/short-lived/policies/policy")).status).toBe(404);
    expect((await sim.request("GET", "/products/short-lived/apis")).json).toMatchObject({ value: [], count: 0 });
  });

  it("creates operations (201, then 200) and refuses a URL template whose parameters are not declared, as recorded", async () => {
    const client = sim.client();
    const created = await sim.request("PUT", "/apis/chat-token-limited/operations/models", {
      body: { properties: { displayName: "List models", method: "GET", urlTemplate: "/models" } },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: `${sim.base}/apis/chat-token-limited/operations/models`,
      type: "Microsoft.ApiManagement/service/apis/operations",
      name: "models",
      properties: { displayName: "List models", method: "GET", urlTemplate: "/models", templateParameters: [] },
    });
    const updated = await client.apiOperation.createOrUpdate(sim.rg, sim.svc, "chat-token-limited", "models", {
      displayName: "List models",
      method: "GET",
      urlTemplate: "/models/{model}",
      templateParameters: [{ name: "model", type: "string", required: true }],
    });
    expect(updated.urlTemplate).toBe("/models/{model}");
    const undeclared = await restErrorOf(() =>
      client.apiOperation.createOrUpdate(sim.rg, sim.svc, "chat-token-limited", "models", {
        displayName: "List models",
        method: "GET",
        urlTemplate: "/models/{model}?api-version={api-version}",
        templateParameters: [{ name: "model", type: "string", required: true }],
      }),
    );
    expect(errorBody(undeclared).error.details).toEqual([
      {
        code: "ValidationError",
        target: "",
        message:
          "All template parameters used in the UriTemplate must be defined in the Operation 'List models', and vice-versa.",
      },
    ]);
    const missing = await sim.request("PUT", "/apis/chat-token-limited/operations/nameless", {
      body: { properties: { method: "GET", urlTemplate: "/x" } },
    });
    expect([
      missing.status,
      (missing.json as { error: { details: { target: string }[] } }).error.details[0]?.target,
    ]).toEqual([400, "displayName"]);
  });

  it("pages operations with $top, following nextLink", async () => {
    for (const n of [1, 2, 3]) {
      await sim.request("PUT", `/apis/foundry-models/operations/extra-${n}`, {
        body: { properties: { displayName: `Extra ${n}`, method: "GET", urlTemplate: `/extra/${n}` } },
      });
    }
    const before = await sim.lastSeq();
    const names = [];
    for await (const operation of sim.client().apiOperation.listByApi(sim.rg, sim.svc, "foundry-models", { top: 2 }))
      names.push(operation.name);
    expect(names).toEqual(["getChatCompletions", "getModelInfo", "extra-1", "extra-2", "extra-3"]);
    expect(await sim.requestLog(before)).toHaveLength(3);
  });

  it("deleting an API takes its operations, their policies and its product memberships with it", async () => {
    await sim.request("PUT", "/apis/doomed", { body: { properties: { displayName: "Doomed", path: "doomed" } } });
    await sim.request("PUT", "/apis/doomed/operations/op", {
      body: { properties: { displayName: "Op", method: "POST", urlTemplate: "/op" } },
    });
    await sim.request("PUT", "/apis/doomed/operations/op/policies/policy", {
      body: { properties: { value: "<policies><inbound><base /></inbound></policies>" } },
    });
    await sim.request("PUT", "/products/llm-standard/apis/doomed");
    expect((await sim.request("DELETE", "/apis/doomed", { headers: { "If-Match": "*" } })).status).toBe(200);
    await sim.request("PUT", "/apis/doomed", { body: { properties: { displayName: "Doomed", path: "doomed" } } });
    expect((await sim.request("GET", "/apis/doomed/operations")).json).toMatchObject({ value: [], count: 0 });
    expect((await sim.request("GET", "/apis/doomed/products")).json).toMatchObject({ value: [], count: 0 });
    await sim.request("DELETE", "/apis/doomed", { headers: { "If-Match": "*" } });
  });

  it("deleting an operation takes its policy; a named value an operation policy uses cannot be deleted, and renaming it rewrites the policy", async () => {
    await sim.request("PUT", "/namedValues/region", {
      body: { properties: { displayName: "region", value: "swedencentral" } },
    });
    const policy = `<policies><inbound><base /><set-header name="x-region" exists-action="override"><value>{{region}}</value></set-header></inbound></policies>`;
    await sim.request("PUT", "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy", {
      body: { properties: { value: policy } },
    });
    const inUse = await sim.request("DELETE", "/namedValues/region", { headers: { "If-Match": "*" } });
    expect([inUse.status, errorOf(inUse).message]).toEqual([
      400,
      "The Named Value 'region' is used by the following entities:\r\n/apis/azure-openai/operations/ChatCompletions_Create/policies/policy\r\n",
    ]);
    await sim.client().namedValue.beginUpdateAndWait(sim.rg, sim.svc, "region", "*", { displayName: "azure-region" });
    expect(
      policyOf(await sim.request("GET", "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy")),
    ).toContain("{{azure-region}}");

    await sim.request("PUT", "/apis/chat-token-limited/operations/temporary", {
      body: { properties: { displayName: "Temporary", method: "GET", urlTemplate: "/t" } },
    });
    await sim.request("PUT", "/apis/chat-token-limited/operations/temporary/policies/policy", {
      body: { properties: { value: "<policies><inbound><base /></inbound></policies>" } },
    });
    expect(
      (await sim.request("DELETE", "/apis/chat-token-limited/operations/temporary", { headers: { "If-Match": "*" } }))
        .status,
    ).toBe(200);
    await sim.request("PUT", "/apis/chat-token-limited/operations/temporary", {
      body: { properties: { displayName: "Temporary", method: "GET", urlTemplate: "/t" } },
    });
    expect((await sim.request("GET", "/apis/chat-token-limited/operations/temporary/policies/policy")).status).toBe(
      404,
    );
  });

  it("refuses writes to an operation or its policy while an import of the API runs (409)", async () => {
    await sim.request("PUT", "/apis/busy", { body: { properties: { displayName: "Busy", path: "busy" } } });
    await sim.request("PUT", "/apis/busy/operations/op", {
      body: { properties: { displayName: "Op", method: "POST", urlTemplate: "/op" } },
    });
    const importing = await sim.request("PUT", "/apis/busy", {
      body: { properties: { path: "busy", format: "openapi+json", value: "{}" } },
    });
    expect(importing.status).toBe(202);
    const busy = await sim.request("PUT", "/apis/busy/operations/op/policies/policy", {
      body: { properties: { value: "<policies><inbound><base /></inbound></policies>" } },
    });
    expect([busy.status, errorOf(busy).code]).toEqual([409, "PessimisticConcurrencyConflict"]);
    const operation = await sim.request("PATCH", "/apis/busy/operations/op", {
      headers: { "If-Match": "*" },
      body: { properties: { description: "x" } },
    });
    expect(operation.status).toBe(409);
    const location = importing.headers.get("location")!.slice(sim.simulator.armEndpoint.length);
    for (let polls = 0; polls < 3; polls++) await sim.request("GET", location, { apiVersion: null });
  });

  it("lets another writer change a product policy or an operation before a write (the concurrentWrite fault)", async () => {
    const read = await sim.request("GET", "/products/llm-standard/policies/policy");
    await sim.request("POST", "/_sandbox/faults", { body: { rules: [{ kind: "concurrentWrite" }] } });
    try {
      const write = await sim.request("PUT", "/products/llm-standard/policies/policy", {
        headers: { "If-Match": read.headers.get("etag")! },
        body: { properties: { value: policyOf(read) } },
      });
      expect(write.status).toBe(412);
    } finally {
      await sim.request("DELETE", "/_sandbox/faults");
    }
    expect(policyOf(await sim.request("GET", "/products/llm-standard/policies/policy"))).toContain(
      "Changed by another writer",
    );
  });
});

describe("state and options", () => {
  it("keeps products, memberships, operations and policies of every scope across a restart", async () => {
    const before = await Promise.all(
      [
        "/policies/policy",
        "/products/llm-standard/policies/policy",
        "/apis/azure-openai/operations/embeddings_create",
      ].map(async (path) => (await sim.request("GET", path)).headers.get("etag")),
    );
    await sim.restart();
    const after = await Promise.all(
      [
        "/policies/policy",
        "/products/llm-standard/policies/policy",
        "/apis/azure-openai/operations/embeddings_create",
      ].map(async (path) => (await sim.request("GET", path)).headers.get("etag")),
    );
    expect(after).toEqual(before);
    expect((await sim.request("GET", "/products/llm-standard/apis")).json).toMatchObject({ count: 2 });
  });

  it("re-seeds a data directory that holds an older seed, and leaves an unseeded one empty", async () => {
    await sim.request("DELETE", "/products/llm-standard", { headers: { "If-Match": "*" } });
    // What a directory seeded before seed versions existed holds: the date of its seeding.
    await writeFile(join(sim.dataDir, "seeded"), "2026-11-30T10:00:00.000Z");
    await sim.restart();
    expect((await sim.request("GET", "/products/llm-standard/apis")).json).toMatchObject({ count: 2 });

    const empty = await startTestSimulator({ seed: false });
    try {
      await empty.restart();
      expect((await empty.request("GET", "/products")).json).toMatchObject({ value: [], count: 0 });
      expect((await empty.request("GET", "/policies/policy")).status).toBe(404);
    } finally {
      await empty.close();
    }
  });

  it("answers the gateway URL and the identities it is started with", async () => {
    const other = await startTestSimulator({
      seed: false,
      gatewayUrl: "https://localhost:3613",
      identity: { type: "None" },
    });
    try {
      const service = await other.request("GET", "");
      expect(service.json).toMatchObject({
        properties: {
          gatewayUrl: "https://localhost:3613",
          hostnameConfigurations: [expect.objectContaining({ hostName: "localhost" })],
        },
        identity: { type: "None" },
      });
    } finally {
      await other.close();
    }
  });
});
