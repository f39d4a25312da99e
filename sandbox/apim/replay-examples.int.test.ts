import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceManagedIdentity } from "./resources/arm-exchange";
import { readSpecExample, type SpecExample } from "./test-support/fixtures";
import { rehome } from "./test-support/recordings";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

/**
 * Sends each spec example of __fixtures__/examples (azure-rest-api-specs, 2022-08-01 and
 * 2024-05-01) at an empty simulator, with the example's own api-version and body, and
 * checks the status and that the example's response body is contained in the answer (ids
 * re-homed to the simulator's service). Examples are written by hand, not recorded, so
 * where one contradicts itself or the recordings the test says so and checks ours instead.
 */
let sim: TestSimulator;

beforeAll(async () => {
  sim = await startTestSimulator({ seed: false });
});

afterAll(async () => {
  await sim.close();
});

function exampleRequest(example: SpecExample): { apiVersion: string; body: unknown; headers: Record<string, string> } {
  const { parameters } = example;
  return {
    apiVersion: parameters["api-version"] as string,
    body: rehome(parameters.parameters, sim.base),
    headers: parameters["If-Match"] === undefined ? {} : { "If-Match": parameters["If-Match"] },
  };
}

function expectedBody(example: SpecExample, status: string): Record<string, unknown> {
  return rehome(example.responses[status]?.body, sim.base) as Record<string, unknown>;
}

async function putApi(apiId: string, properties: Record<string, unknown>, apiVersion = "2024-05-01"): Promise<void> {
  expect((await sim.request("PUT", `/apis/${apiId}`, { apiVersion, body: { properties } })).status).toBeLessThan(300);
}

describe("spec examples: named values (2022-08-01)", () => {
  for (const file of ["ApiManagementCreateNamedValue.json", "ApiManagementCreateNamedValueWithKeyVault.json"]) {
    it(`${file}: 202 with an asyncCode=201 Location, then 201 with the entity`, async () => {
      const example = readSpecExample(`2022-08-01/${file}`);
      const id = example.parameters.namedValueId as string;
      const accepted = await sim.request("PUT", `/namedValues/${id}`, exampleRequest(example));
      expect(accepted.status).toBe(202);
      expect(accepted.text).toBe("");
      // The example's Location says api-version=2022-04-01-preview (an artefact); the form is what counts.
      const location = accepted.headers.get("location") as string;
      expect(location).toMatch(/\?api-version=2022-08-01&asyncId=[0-9a-f]{24}&asyncCode=201$/);
      expect(new URL(location).pathname).toBe(
        new URL(example.responses["202"]?.headers?.location as string).pathname.replace(
          /^.*\/service\/[^/]+/,
          sim.base,
        ),
      );

      const final = await sim.request("GET", location.slice(sim.simulator.armEndpoint.length), { apiVersion: null });
      expect(final.status).toBe(201);
      const expected = expectedBody(example, "201");
      const lastStatus = (expected.properties as { keyVault?: { lastStatus?: { timeStampUtc?: string } } }).keyVault
        ?.lastStatus;
      if (lastStatus !== undefined)
        lastStatus.timeStampUtc = expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown as string;
      expect(final.json).toMatchObject(expected);
    });
  }

  it("ApiManagementNamedValueListValue.json: 200 { value }", async () => {
    const example = readSpecExample("2022-08-01/ApiManagementNamedValueListValue.json");
    const id = example.parameters.namedValueId as string;
    await sim.request("PUT", `/namedValues/${id}`, {
      apiVersion: "2022-08-01",
      body: { properties: { displayName: id, value: "propValue", secret: true } },
    });
    const listed = await sim.request("POST", `/namedValues/${id}/listValue`, { apiVersion: "2022-08-01" });
    expect([listed.status, listed.json]).toEqual([200, expectedBody(example, "200")]);
  });
});

describe("spec examples: backends", () => {
  it("2022-08-01/ApiManagementCreateBackendServiceFabric.json: 201, then 200 for the same PUT", async () => {
    const example = readSpecExample("2022-08-01/ApiManagementCreateBackendServiceFabric.json");
    const path = `/backends/${example.parameters.backendId as string}`;
    const created = await sim.request("PUT", path, exampleRequest(example));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject(expectedBody(example, "201"));
    const again = await sim.request("PUT", path, exampleRequest(example));
    expect([again.status, again.headers.get("etag")]).toEqual([200, created.headers.get("etag")]);
    expect(again.json).toMatchObject(expectedBody(example, "200"));
  });

  it("2024-05-01/ApiManagementCreateBackendProxyBackend.json: 201 echoing credentials and proxy", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementCreateBackendProxyBackend.json");
    const created = await sim.request(
      "PUT",
      `/backends/${example.parameters.backendId as string}`,
      exampleRequest(example),
    );
    expect(created.status).toBe(201);
    // The example answers tls false/false to a request that sent true/true; the simulator echoes what was sent.
    const { tls: _exampleTls, ...expectedProperties } = expectedBody(example, "201").properties as Record<
      string,
      unknown
    >;
    expect(created.json).toMatchObject({ ...expectedBody(example, "201"), properties: expectedProperties });
    expect((created.json as { properties: { tls: unknown } }).properties.tls).toEqual({
      validateCertificateChain: true,
      validateCertificateName: true,
    });
  });
});

describe("spec examples: APIs and API policies", () => {
  it("2022-08-01/ApiManagementCreateApiPolicy.json: 201 with If-Match *, the document re-serialised; 200 when repeated", async () => {
    const example = readSpecExample("2022-08-01/ApiManagementCreateApiPolicy.json");
    const apiId = example.parameters.apiId as string;
    await putApi(apiId, { displayName: "Policy example", path: "policy-example" }, "2022-08-01");
    const created = await sim.request("PUT", `/apis/${apiId}/policies/policy`, exampleRequest(example));
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject(expectedBody(example, "201"));
    const again = await sim.request("PUT", `/apis/${apiId}/policies/policy`, exampleRequest(example));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject(expectedBody(example, "200"));
  });

  it("2024-05-01/ApiManagementCreateApiPolicyNonXmlEncoded.json: rawxml accepted, returned with =&gt;", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementCreateApiPolicyNonXmlEncoded.json");
    const apiId = example.parameters.apiId as string;
    const stored = await sim.request("PUT", `/apis/${apiId}/policies/policy`, exampleRequest(example));
    // The API got its first policy in the previous example, so this PUT updates it (200).
    expect(stored.status).toBe(200);
    // The example's id is an operation policy of another service (an artefact); compare the policy itself.
    expect((stored.json as { properties: unknown }).properties).toMatchObject(
      expectedBody(example, "200").properties as object,
    );
  });

  it("2024-05-01/ApiManagementGetApiPolicy.json: a stored document comes back byte for byte", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementGetApiPolicy.json");
    const apiId = example.parameters.apiId as string;
    const expected = expectedBody(example, "200");
    await putApi(apiId, { displayName: "Get policy example", path: "get-policy-example" });
    const put = await sim.request("PUT", `/apis/${apiId}/policies/policy`, {
      body: { properties: { format: "xml", value: (expected.properties as { value: string }).value } },
    });
    expect(put.status).toBe(201);
    const got = await sim.request("GET", `/apis/${apiId}/policies/policy`, { apiVersion: "2024-05-01" });
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject(expected);
  });

  it("2024-05-01/ApiManagementGetApiContract.json: a SOAP API with OAuth2 settings comes back as stored", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementGetApiContract.json");
    const apiId = example.parameters.apiId as string;
    const expected = expectedBody(example, "200");
    await putApi(apiId, expected.properties as Record<string, unknown>);
    const got = await sim.request("GET", `/apis/${apiId}`);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject(expected);
  });

  it('2024-05-01/ApiManagementListApis.json: the listed APIs with count (no nextLink on the last page, where the example has "")', async () => {
    const example = readSpecExample("2024-05-01/ApiManagementListApis.json");
    const { value, count, nextLink } = expectedBody(example, "200") as {
      value: { name: string; properties: Record<string, unknown> }[];
      count: number;
      nextLink: string;
    };
    expect(nextLink).toBe("");
    const empty = await startTestSimulator({ seed: false });
    try {
      for (const api of value) {
        expect((await empty.request("PUT", `/apis/${api.name}`, { body: { properties: api.properties } })).status).toBe(
          201,
        );
      }
      const listed = await empty.request("GET", "/apis");
      expect(listed.json).toMatchObject({ value: rehome(value, empty.base) as object[], count });
      expect(listed.json).not.toHaveProperty("nextLink");
    } finally {
      await empty.close();
    }
  });
});

describe("spec examples: the other policy scopes, products and operations (2024-05-01)", () => {
  /** The example's policy document, PUT at `path` and read back: byte for byte the same. */
  async function storesAndReturns(file: string, path: string): Promise<void> {
    const expected = expectedBody(readSpecExample(`2024-05-01/${file}`), "200");
    const value = (expected.properties as { value: string }).value;
    expect((await sim.request("PUT", path, { body: { properties: { format: "xml", value } } })).status).toBe(201);
    const got = await sim.request("GET", path);
    expect(got.status).toBe(200);
    expect(got.json).toMatchObject(expected);
  }

  it("ApiManagementGetPolicy.json: the global policy, with its leading comment, comes back byte for byte", async () => {
    await storesAndReturns("ApiManagementGetPolicy.json", "/policies/policy");
  });

  it("ApiManagementGetProductPolicy.json: a product's policy comes back byte for byte", async () => {
    const { productId } = readSpecExample("2024-05-01/ApiManagementGetProductPolicy.json").parameters as {
      productId: string;
    };
    expect(
      (await sim.request("PUT", `/products/${productId}`, { body: { properties: { displayName: "Example" } } })).status,
    ).toBe(201);
    await storesAndReturns("ApiManagementGetProductPolicy.json", `/products/${productId}/policies/policy`);
  });

  it("ApiManagementGetApiOperationPolicy.json: an operation's policy, with a comment inside set-header, comes back byte for byte", async () => {
    const { apiId, operationId } = readSpecExample("2024-05-01/ApiManagementGetApiOperationPolicy.json").parameters as {
      apiId: string;
      operationId: string;
    };
    await putApi(apiId, { displayName: "Operation policy example", path: "operation-policy-example" });
    const operation = { displayName: "Sample", method: "GET", urlTemplate: "/sample" };
    expect(
      (await sim.request("PUT", `/apis/${apiId}/operations/${operationId}`, { body: { properties: operation } }))
        .status,
    ).toBe(201);
    await storesAndReturns(
      "ApiManagementGetApiOperationPolicy.json",
      `/apis/${apiId}/operations/${operationId}/policies/policy`,
    );
  });

  it('ApiManagementListProducts.json: the products with APIM\'s fields (no nextLink on the last page, where the example has "")', async () => {
    const { value, count } = expectedBody(readSpecExample("2024-05-01/ApiManagementListProducts.json"), "200") as {
      value: { name: string; properties: Record<string, unknown> }[];
      count: number;
    };
    const empty = await startTestSimulator({ seed: false });
    try {
      for (const product of value) {
        const put = await empty.request("PUT", `/products/${product.name}`, {
          body: { properties: product.properties },
        });
        expect(put.status).toBe(201);
      }
      const listed = await empty.request("GET", "/products");
      expect(listed.json).toMatchObject({ value: rehome(value, empty.base) as object[], count });
      expect(listed.json).not.toHaveProperty("nextLink");
    } finally {
      await empty.close();
    }
  });

  it("ApiManagementListApiProducts.json: the products holding an API, typed as the API's products", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementListApiProducts.json");
    const apiId = example.parameters.apiId as string;
    const { value, count } = expectedBody(example, "200") as {
      value: { name: string; properties: Record<string, unknown> }[];
      count: number;
    };
    await putApi(apiId, { displayName: "Products example", path: "products-example" });
    for (const product of value) {
      await sim.request("PUT", `/products/${product.name}`, { body: { properties: product.properties } });
      expect((await sim.request("PUT", `/products/${product.name}/apis/${apiId}`)).status).toBe(201);
    }
    const listed = await sim.request("GET", `/apis/${apiId}/products`);
    expect(listed.json).toMatchObject({ value, count });
  });

  it("ApiManagementListApiOperations.json: the operations of an API with method and URL template", async () => {
    const example = readSpecExample("2024-05-01/ApiManagementListApiOperations.json");
    const apiId = example.parameters.apiId as string;
    const { value, count } = expectedBody(example, "200") as {
      value: { name: string; properties: Record<string, unknown> }[];
      count: number;
    };
    await putApi(apiId, { displayName: "Operations example", path: "operations-example" });
    for (const operation of value) {
      const put = await sim.request("PUT", `/apis/${apiId}/operations/${operation.name}`, {
        body: { properties: operation.properties },
      });
      expect(put.status).toBe(201);
    }
    const listed = await sim.request("GET", `/apis/${apiId}/operations`);
    expect(listed.json).toMatchObject({ value, count });
  });

  it("ApiManagementServiceGetService.excerpt.json: the service's gateway URL and managed identities", async () => {
    const expected = expectedBody(readSpecExample("2024-05-01/ApiManagementServiceGetService.excerpt.json"), "200") as {
      properties: { gatewayUrl: string };
      identity: ServiceManagedIdentity;
    };
    const service = await startTestSimulator({
      seed: false,
      gatewayUrl: expected.properties.gatewayUrl,
      identity: expected.identity,
    });
    try {
      const got = await service.request("GET", "");
      expect(got.status).toBe(200);
      expect(got.json).toMatchObject({
        type: "Microsoft.ApiManagement/service",
        properties: {
          provisioningState: "Succeeded",
          targetProvisioningState: "",
          gatewayUrl: expected.properties.gatewayUrl,
          virtualNetworkType: "None",
          disableGateway: false,
          publicNetworkAccess: "Enabled",
          platformVersion: "stv2",
        },
        identity: expected.identity,
      });
    } finally {
      await service.close();
    }
  });
});
