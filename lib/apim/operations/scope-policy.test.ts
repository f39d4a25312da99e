import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { fakeArm, servicePath } from "../../../test/support/apim/fake-arm";

const stored = (type: string) => ({ name: "policy", type, properties: { format: "xml", value: "<policies />" } });

describe("getScopePolicy", () => {
  it("reads the policy of every scope as format=xml at its own path, with its ETag", async () => {
    const arm = fakeArm(() => ({ status: 200, headers: { etag: '"p1"' }, body: stored("x") }));
    const client = arm.client();
    for (const scope of [
      { kind: "service" },
      { kind: "product", productName: "llm standard" },
      { kind: "api", apiName: "azure-openai" },
      { kind: "operation", apiName: "azure-openai", operationName: "ChatCompletions_Create" },
    ] as const) {
      expect((await client.getScopePolicy(scope)).value).toEqual({ xml: "<policies />", etag: '"p1"' });
    }
    expect(arm.requests.map((request) => request.url.pathname.slice(servicePath.length))).toEqual([
      "/policies/policy",
      "/products/llm%20standard/policies/policy",
      "/apis/azure-openai/policies/policy",
      "/apis/azure-openai/operations/ChatCompletions_Create/policies/policy",
    ]);
    expect(arm.requests.every((request) => request.url.searchParams.get("format") === "xml")).toBe(true);
  });

  it("answers null for 404 (no policy at this scope) and an error naming the scope for anything else", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.includes("/products/")
        ? { status: 403, body: { error: { code: "AuthorizationFailed", message: "no read" } } }
        : { status: 404, body: { error: { code: "ResourceNotFound", message: "Policy not found.", details: null } } },
    );
    const client = arm.client();
    expect((await client.getScopePolicy({ kind: "operation", apiName: "a", operationName: "o" })).value).toBeNull();
    const refused = await appErrorOf(client.getScopePolicy({ kind: "product", productName: "p" }));
    expect(refused.message).toMatch(/policy of product 'p' \(403 AuthorizationFailed: no read\)/);
    expect(refused.details).toMatchObject({ status: 403, armCode: "AuthorizationFailed", requestIds: ["req-2"] });
  });
});
