import type { FullOperationResponse } from "@azure/core-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody, restErrorOf } from "./test-support/rest-error";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

let sim: TestSimulator;

// Two polls answered 202 leave room to write to an API while its import runs.
beforeAll(async () => (sim = await startTestSimulator({ lro: { polls: 2 } })));
afterAll(() => sim.close());

const simplePolicy = `<policies>
    <inbound>
        <base />
        <set-backend-service backend-id="azure-openai-backend" />
        <set-header name="x-tenant" exists-action="override"><value>{{entra-tenant-id}}</value></set-header>
    </inbound>
    <backend><base /></backend>
    <outbound />
</policies>`;

describe("APIs through the SDK", () => {
  it("discovers every API across pages (250 seeded for the benchmark + 4), following nextLink", async () => {
    const seeded = await sim.request("POST", "/_sandbox/seed", { body: { apis: 250, prefix: "paged" } });
    expect((seeded.json as { apis: string[] }).apis).toHaveLength(250);
    const before = await sim.lastSeq();
    const names = [];
    for await (const api of sim.client().api.listByService(sim.rg, sim.svc)) names.push(api.name);
    expect(names).toHaveLength(254);
    expect(names.slice(0, 5)).toEqual([
      "azure-openai",
      "foundry-models",
      "chat-token-limited",
      "azure-openai-eu",
      "paged-1",
    ]);
    expect((await sim.requestLog(before)).map((r) => new URL(r.url, "https://x").searchParams.get("$skip"))).toEqual([
      null,
      "100",
      "200",
    ]);
  });

  it("gets, HEADs and patches an API with its ETag; the recorded defaults are filled in", async () => {
    const client = sim.client();
    const api = await client.api.get(sim.rg, sim.svc, "azure-openai");
    expect(api).toMatchObject({
      displayName: "Azure OpenAI",
      path: "openai",
      apiRevision: "1",
      isCurrent: true,
      subscriptionRequired: true,
      protocols: ["https"],
    });
    expect((await client.api.getEntityTag(sim.rg, sim.svc, "azure-openai")).eTag).toBe(api.eTag);
    const patched = await client.api.update(sim.rg, sim.svc, "azure-openai", api.eTag as string, {
      description: "patched",
    });
    expect(patched).toMatchObject({ description: "patched", displayName: "Azure OpenAI" });
    expect(
      (
        await restErrorOf(() =>
          client.api.update(sim.rg, sim.svc, "azure-openai", api.eTag as string, { description: "stale" }),
        )
      ).statusCode,
    ).toBe(412);
  });

  it("creates a plain API at once (201) and drops the leading slash of its path, as recorded", async () => {
    const created = await sim.client().api.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "plain-api", {
      displayName: "Plain",
      path: "/api/plain",
      protocols: ["https"],
    });
    expect(created).toMatchObject({ name: "plain-api", path: "api/plain", serviceUrl: null, description: null });
  });

  it("deletes an API and its policy", async () => {
    const client = sim.client();
    await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "plain-api", "policy", {
      format: "xml",
      value: "<policies><inbound /></policies>",
    });
    await client.api.beginDeleteAndWait(sim.rg, sim.svc, "plain-api", "*");
    expect((await restErrorOf(() => client.api.get(sim.rg, sim.svc, "plain-api"))).message).toBe("Api not found.");
    await client.api.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "plain-api", { displayName: "Plain", path: "plain" });
    expect((await sim.request("GET", "/apis/plain-api/policies/policy")).status).toBe(404);
  });
});

describe("API policies", () => {
  it("stores a policy (201, then 200), keeps the ETag for an identical PUT and re-serialises it like APIM", async () => {
    const client = sim.client();
    const created = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "plain-api", "policy", {
      format: "xml",
      value: simplePolicy,
    });
    const again = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "plain-api", "policy", {
      format: "xml",
      value: simplePolicy,
    });
    expect(again.eTag).toBe(created.eTag);
    expect(created.value).toBe(
      [
        "<policies>",
        "  <inbound>",
        "    <base />",
        '    <set-backend-service backend-id="azure-openai-backend" />',
        '    <set-header name="x-tenant" exists-action="override">',
        "      <value>{{entra-tenant-id}}</value>",
        "    </set-header>",
        "  </inbound>",
        "  <backend>",
        "    <base />",
        "  </backend>",
        "  <outbound />",
        "</policies>",
      ].join("\r\n"),
    );
    expect(
      (await sim.requestLog())
        .filter((r) => r.method === "PUT" && r.url.includes("/apis/plain-api/policies/policy"))
        .map((r) => r.status)
        .slice(-2),
    ).toEqual([201, 200]);
  });

  it("reads a policy: the SDK's get loses the value (it deserialises the JSON as XML), the raw response has it", async () => {
    // Azure/azure-sdk-for-js#31566: apiPolicy.get has isXML and cannot map JSON's properties.value.
    let raw: FullOperationResponse | undefined;
    const viaSdk = await sim
      .client()
      .apiPolicy.get(sim.rg, sim.svc, "chat-token-limited", "policy", { onResponse: (response) => (raw = response) });
    expect(viaSdk.value).toBeUndefined();
    expect(viaSdk.eTag).toMatch(/^".+"$/);
    const body = JSON.parse(raw?.bodyAsText ?? "{}") as { properties: { format: string; value: string } };
    expect(body.properties.format).toBe("xml");
    expect(body.properties.value).toContain(
      'value="@(context.Request.Headers.GetValueOrDefault(&quot;x-client-id&quot;, &quot;anonymous&quot;))"',
    );
    expect(body.properties.value).toContain("GetValueOrDefault&lt;int&gt;");

    const rawxml = await sim.request("GET", "/apis/chat-token-limited/policies/policy?format=rawxml");
    const rawValue = (rawxml.json as { properties: { format: string; value: string } }).properties;
    expect(rawValue.format).toBe("rawxml");
    expect(rawValue.value).toContain(
      'value="@(context.Request.Headers.GetValueOrDefault("x-client-id", "anonymous"))"',
    );
    expect(rawValue.value).toContain("GetValueOrDefault<int>");

    const listed = await sim.client().apiPolicy.listByApi(sim.rg, sim.svc, "chat-token-limited");
    expect(listed.value?.map((policy) => policy.value)).toEqual([body.properties.value]);
    expect((await sim.client().apiPolicy.getEntityTag(sim.rg, sim.svc, "chat-token-limited", "policy")).eTag).toBe(
      viaSdk.eTag,
    );
  });

  it("answers 404 for an API without a policy and for a missing API", async () => {
    await sim
      .client()
      .api.beginCreateOrUpdateAndWait(sim.rg, sim.svc, "no-policy", { displayName: "No policy", path: "np" });
    const none = await sim.request("GET", "/apis/no-policy/policies/policy");
    expect([none.status, none.json]).toEqual([
      404,
      { error: { code: "ResourceNotFound", message: "Policy not found.", details: null } },
    ]);
    expect((await sim.request("HEAD", "/apis/no-policy/policies/policy")).status).toBe(404);
    expect(
      ((await sim.request("GET", "/apis/nope/policies/policy")).json as { error: { message: string } }).error.message,
    ).toBe("Api not found.");
  });

  it("refuses malformed XML, and accepts raw C# only as rawxml", async () => {
    const client = sim.client();
    const raw = `<policies><inbound><set-variable name="m" value="@(context.Request.Method == "POST")" /></inbound></policies>`;
    const malformed = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", { format: "xml", value: raw }),
    );
    expect(malformed.statusCode).toBe(400);
    expect(errorBody(malformed).error).toMatchObject({
      code: "ValidationError",
      details: [
        {
          code: "ValidationError",
          target: "representation",
          message: expect.stringMatching(/ Line 1, position \d+\.$/),
        },
      ],
    });
    const stored = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", {
      format: "rawxml",
      value: raw,
    });
    expect(stored.value).toContain('value="@(context.Request.Method == &quot;POST&quot;)"');
  });

  it("refuses a {{named value}} or a backend-id that does not exist, pointing at the element", async () => {
    const client = sim.client();
    const missingValue = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", {
        value:
          '<policies>\n  <inbound>\n    <set-header name="k"><value>{{nope}}</value></set-header>\n  </inbound>\n</policies>',
      }),
    );
    expect(errorBody(missingValue)).toEqual({
      error: {
        code: "ValidationError",
        message: "One or more fields contain incorrect values:",
        details: [
          {
            code: "ValidationError",
            target: "value",
            message: "Error in element 'value' on line 3, column 27: Property 'nope' not found.",
          },
        ],
      },
    });
    const missingBackend = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", {
        value: '<policies><inbound><set-backend-service backend-id="ghost" /></inbound></policies>',
      }),
    );
    expect(errorBody(missingBackend).error.details).toEqual([
      {
        code: "ValidationError",
        target: "set-backend-service",
        message:
          "Error in element 'set-backend-service' on line 1, column 21: Backend with id 'ghost' could not be found.",
      },
    ]);
  });

  it("deletes a policy with If-Match: 412 when stale, 200, then 204", async () => {
    const client = sim.client();
    const current = await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", {
      value: "<policies><inbound /></policies>",
    });
    await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "no-policy", "policy", {
      value: "<policies><outbound /></policies>",
    });
    expect(
      (await restErrorOf(() => client.apiPolicy.delete(sim.rg, sim.svc, "no-policy", "policy", current.eTag as string)))
        .statusCode,
    ).toBe(412);
    expect((await sim.request("DELETE", "/apis/no-policy/policies/policy")).status).toBe(400);
    expect(
      (await sim.request("DELETE", "/apis/no-policy/policies/policy", { headers: { "If-Match": "*" } })).status,
    ).toBe(200);
    expect(
      (await sim.request("DELETE", "/apis/no-policy/policies/policy", { headers: { "If-Match": "*" } })).status,
    ).toBe(204);
  });

  it("answers 409 PessimisticConcurrencyConflict to writes while an API import runs, and lets them through after", async () => {
    const client = sim.client();
    const poller = await client.api.beginCreateOrUpdate(
      sim.rg,
      sim.svc,
      "imported",
      {
        displayName: "Imported",
        path: "imported",
        format: "openapi+json",
        value: JSON.stringify({ openapi: "3.0.1", info: { title: "Imported", version: "1" }, paths: {} }),
      },
      { updateIntervalInMs: 10 },
    );
    const conflict = await restErrorOf(() =>
      client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "imported", "policy", {
        value: "<policies><inbound /></policies>",
      }),
    );
    expect([conflict.statusCode, conflict.code, conflict.message]).toEqual([
      409,
      "PessimisticConcurrencyConflict",
      "Operation on the API is in progress",
    ]);
    expect(errorBody(conflict).error.details).toBeNull();
    expect(
      (await restErrorOf(() => client.api.update(sim.rg, sim.svc, "imported", "*", { description: "x" }))).statusCode,
    ).toBe(409);

    const api = await poller.pollUntilDone();
    expect(api).toMatchObject({ name: "imported", displayName: "Imported" });
    expect(
      (
        await client.apiPolicy.createOrUpdate(sim.rg, sim.svc, "imported", "policy", {
          value: "<policies><inbound /></policies>",
        })
      ).name,
    ).toBe("policy");
  });
});
