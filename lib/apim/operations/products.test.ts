import { describe, expect, it } from "vitest";
import { fakeArm, servicePath } from "../../../test/support/apim/fake-arm";

const product = (name: string, properties: Record<string, unknown>) => ({
  id: `${servicePath}/products/${name}`,
  type: "Microsoft.ApiManagement/service/products",
  name,
  properties: { displayName: name.toUpperCase(), ...properties },
});

describe("products", () => {
  it("lists products across pages with subscriptionRequired (true when ARM leaves it out) and state", async () => {
    const next = `https://arm.test${servicePath}/products?api-version=2024-05-01&%24skip=1`;
    const arm = fakeArm((request) =>
      request.url.searchParams.has("$skip")
        ? { status: 200, body: { value: [product("open", { subscriptionRequired: false, state: "published" })] } }
        : { status: 200, body: { value: [product("starter", {})], count: 2, nextLink: next } },
    );
    const pages: string[][] = [];
    const { value } = await arm.client().listProducts({ onPage: (page) => pages.push(page.map((p) => p.name)) });
    expect(value).toEqual([
      {
        name: "starter",
        displayName: "STARTER",
        description: null,
        subscriptionRequired: true,
        approvalRequired: null,
        state: null,
      },
      {
        name: "open",
        displayName: "OPEN",
        description: null,
        subscriptionRequired: false,
        approvalRequired: null,
        state: "published",
      },
    ]);
    expect(pages).toEqual([["starter"], ["open"]]);
  });

  it("lists a product's APIs and an API's products at their paths", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/products/starter/apis")
        ? { status: 200, body: { value: [{ name: "echo", properties: { displayName: "Echo", path: "echo" } }] } }
        : { status: 200, body: { value: [product("starter", { subscriptionRequired: true })] } },
    );
    const client = arm.client();
    expect((await client.listProductApis("starter")).value.map((api) => api.name)).toEqual(["echo"]);
    expect((await client.listApiProducts("echo")).value.map((p) => p.name)).toEqual(["starter"]);
    expect(arm.requests.map((request) => request.url.pathname.slice(servicePath.length))).toEqual([
      "/products/starter/apis",
      "/apis/echo/products",
    ]);
  });
});

describe("listApiOperations", () => {
  it("lists an API's operations with method and URL template", async () => {
    const arm = fakeArm(() => ({
      status: 200,
      body: {
        value: [
          {
            name: "chat",
            properties: {
              displayName: "Chat",
              method: "POST",
              urlTemplate: "/chat/completions",
              templateParameters: [],
            },
          },
        ],
        count: 1,
        nextLink: "",
      },
    }));
    const { value } = await arm.client().listApiOperations("openai");
    expect(value).toEqual([{ name: "chat", displayName: "Chat", method: "POST", urlTemplate: "/chat/completions" }]);
    expect(arm.requests[0]?.url.pathname).toBe(`${servicePath}/apis/openai/operations`);
  });
});
