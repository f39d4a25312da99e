import { describe, expect, it } from "vitest";
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
