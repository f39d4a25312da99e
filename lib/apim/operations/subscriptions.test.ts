import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { armError, fakeArm, servicePath } from "../../../test/support/apim/fake-arm";
import { scopeBelowService } from "./subscriptions";

describe("scopeBelowService", () => {
  it("takes the part of a subscription's ARM scope below the service, as the gateway compares it", () => {
    const service = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/Contoso";
    expect(scopeBelowService(`${service}/apis`, "contoso")).toBe("/apis");
    expect(scopeBelowService(`${service}/products/gold/`, "contoso")).toBe("/products/gold");
    expect(scopeBelowService(`${service}/apis/chat`, "Contoso")).toBe("/apis/chat");
    // Older api-versions answer the scope below the service already.
    expect(scopeBelowService("/products/gold", "contoso")).toBe("/products/gold");
  });
});

describe("subscriptions", () => {
  it("lists subscriptions across pages with their scope below the service, and no keys", async () => {
    const service = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/apim-test`;
    const subscription = (name: string, scope: string) => ({
      name,
      properties: { displayName: name.toUpperCase(), scope: `${service}${scope}`, state: "active" },
    });
    const next = `https://arm.test${servicePath}/subscriptions?api-version=2024-05-01&%24skip=1`;
    const arm = fakeArm((request) =>
      request.url.searchParams.has("$skip")
        ? { status: 200, body: { value: [subscription("gold-key", "/products/gold")] } }
        : { status: 200, body: { value: [subscription("all", "/apis")], nextLink: next } },
    );
    const { value, trace } = await arm.client().listSubscriptions();
    expect(value).toEqual([
      { name: "all", displayName: "ALL", scope: "/apis", state: "active" },
      { name: "gold-key", displayName: "GOLD-KEY", scope: "/products/gold", state: "active" },
    ]);
    expect(arm.requests.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
      `GET ${servicePath}/subscriptions`,
      `GET ${servicePath}/subscriptions`,
    ]);
    expect(trace.attempts).toBe(2);
  });

  it("reads a subscription's primary key with a POST of listSecrets, never retried after a 500", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/subscriptions/all/listSecrets")
        ? { status: 200, body: { primaryKey: "pk", secondaryKey: "sk" } }
        : { status: 404 },
    );
    expect((await arm.client().getSubscriptionKey("all")).value).toBe("pk");
    expect(arm.requests.map((request) => request.method)).toEqual(["POST"]);

    const failing = fakeArm(() => ({ status: 500, body: armError("InternalError", "oops") }));
    const error = await appErrorOf(failing.client().getSubscriptionKey("all"));
    expect(error.code).toBe("unavailable");
    expect(failing.requests).toHaveLength(1);
  });
});
