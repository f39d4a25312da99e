import { describe, expect, it } from "vitest";
import type { GatewayApi, GatewayCatalog, GatewayOperation } from "../gateway-catalog";
import { matchRequest } from "./match-request";

function api(id: string, path: string): GatewayApi {
  return {
    id,
    name: id,
    path,
    serviceUrl: null,
    subscriptionRequired: false,
    subscriptionKeyHeader: "Ocp-Apim-Subscription-Key",
    subscriptionKeyQuery: "subscription-key",
  };
}

const operations: Record<string, GatewayOperation[]> = {
  openai: [
    { id: "chat", name: "Chat", method: "POST", urlTemplate: "/deployments/{id}/chat/completions" },
    { id: "chat-gpt4o", name: "Chat on gpt-4o", method: "POST", urlTemplate: "/deployments/gpt-4o/chat/completions" },
    { id: "list", name: "List", method: "GET", urlTemplate: "/deployments" },
  ],
  "openai-eu": [{ id: "chat", name: "Chat", method: "POST", urlTemplate: "/deployments/{id}/chat/completions" }],
  root: [{ id: "any", name: "Anything", method: "GET", urlTemplate: "/{*path}" }],
};

const catalog = {
  apis: () => [api("openai", "openai"), api("openai-eu", "openai/eu"), api("root", "")],
  operations: (apiId: string) => operations[apiId] ?? [],
} as unknown as GatewayCatalog;

const match = (method: string, url: string) => matchRequest(catalog, method, new URL(url, "https://gw.example"));

describe("matching a call to its API and operation", () => {
  it("takes the API with the longest path prefix, on segment boundaries", () => {
    expect(match("POST", "/openai/eu/deployments/x/chat/completions")).toMatchObject({
      found: true,
      api: { id: "openai-eu" },
      rest: "/deployments/x/chat/completions",
    });
    expect(match("POST", "/openai/deployments/x/chat/completions")).toMatchObject({ api: { id: "openai" } });
    // "openaix" is not below "openai": the API with the empty path takes it.
    expect(match("GET", "/openaix/a")).toMatchObject({ found: true, api: { id: "root" }, rest: "/openaix/a" });
  });

  it("prefers the operation with more literal parts, and binds the parameters", () => {
    expect(match("POST", "/openai/deployments/gpt-4o/chat/completions")).toMatchObject({
      operation: { id: "chat-gpt4o" },
    });
    expect(match("POST", "/openai/deployments/o1/chat/completions")).toMatchObject({
      operation: { id: "chat" },
      parameters: { id: "o1" },
    });
  });

  it("matches the method too; an API without a matching operation is an operation miss, no API at all an API miss", () => {
    expect(match("GET", "/openai/deployments/o1/chat/completions")).toMatchObject({
      found: false,
      reason: "operation",
      api: { id: "openai" },
    });
    expect(matchRequest({ ...catalog, apis: () => [api("openai", "openai")] }, "GET", new URL("https://gw/x"))).toEqual(
      { found: false, reason: "api" },
    );
  });
});
