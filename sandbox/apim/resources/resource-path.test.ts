import { describe, expect, it } from "vitest";
import { ArmError } from "../arm/arm-error";
import { parseArmPath, resourceTypeOf } from "./resource-path";

const service = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "portcullis-sandbox",
  serviceName: "portcullis-sandbox-apim",
  location: "westeurope",
};
const base =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/portcullis-sandbox/providers/Microsoft.ApiManagement/service/portcullis-sandbox-apim";

function failure(path: string): [number, string] {
  try {
    parseArmPath(path, service);
  } catch (error) {
    if (error instanceof ArmError) return [error.status, error.code];
    throw error;
  }
  throw new Error(`expected ${path} to fail`);
}

describe("ARM path parsing", () => {
  it("finds the service, collections, entities, named value actions and API policies", () => {
    expect(parseArmPath(base, service)).toEqual({ resource: "service" });
    expect(parseArmPath(`${base}/apis`, service)).toEqual({ resource: "apis", id: undefined });
    expect(parseArmPath(`${base}/namedValues/my%20value`, service)).toEqual({
      resource: "namedValues",
      id: "my value",
    });
    expect(parseArmPath(`${base}/backends/b1`, service)).toEqual({ resource: "backends", id: "b1" });
    expect(parseArmPath(`${base}/namedValues/nv/listValue`, service)).toEqual({
      resource: "namedValueAction",
      id: "nv",
      action: "listValue",
    });
    expect(parseArmPath(`${base}/namedValues/nv/refreshSecret`, service)).toEqual({
      resource: "namedValueAction",
      id: "nv",
      action: "refreshSecret",
    });
    expect(parseArmPath(`${base}/products/p1`, service)).toEqual({ resource: "products", id: "p1" });
  });

  it("finds the policies of every scope: service, product, API and operation", () => {
    expect(parseArmPath(`${base}/policies`, service)).toEqual({
      resource: "policies",
      scope: { kind: "service" },
      policyId: undefined,
    });
    expect(parseArmPath(`${base}/policies/policy`, service)).toEqual({
      resource: "policies",
      scope: { kind: "service" },
      policyId: "policy",
    });
    expect(parseArmPath(`${base}/products/starter/policies/policy`, service)).toEqual({
      resource: "policies",
      scope: { kind: "product", productId: "starter" },
      policyId: "policy",
    });
    expect(parseArmPath(`${base}/apis/echo/policies`, service)).toEqual({
      resource: "policies",
      scope: { kind: "api", apiId: "echo" },
      policyId: undefined,
    });
    expect(parseArmPath(`${base}/apis/echo/policies/policy`, service)).toEqual({
      resource: "policies",
      scope: { kind: "api", apiId: "echo" },
      policyId: "policy",
    });
    expect(parseArmPath(`${base}/apis/echo/operations/get-1/policies/policy`, service)).toEqual({
      resource: "policies",
      scope: { kind: "operation", apiId: "echo", operationId: "get-1" },
      policyId: "policy",
    });
  });

  it("finds operations, a product's APIs and an API's products", () => {
    expect(parseArmPath(`${base}/apis/echo/operations`, service)).toEqual({
      resource: "operations",
      apiId: "echo",
      id: undefined,
    });
    expect(parseArmPath(`${base}/apis/echo/Operations/get-1`, service)).toEqual({
      resource: "operations",
      apiId: "echo",
      id: "get-1",
    });
    expect(parseArmPath(`${base}/products/starter/apis`, service)).toEqual({
      resource: "productApis",
      productId: "starter",
      apiId: undefined,
    });
    expect(parseArmPath(`${base}/products/starter/apis/echo`, service)).toEqual({
      resource: "productApis",
      productId: "starter",
      apiId: "echo",
    });
    expect(parseArmPath(`${base}/apis/echo/products`, service)).toEqual({ resource: "apiProducts", apiId: "echo" });
  });

  it("compares keywords and names case-insensitively, as ARM does", () => {
    const lower = base
      .replace("resourceGroups", "resourcegroups")
      .replace("portcullis-sandbox-apim", "PORTCULLIS-SANDBOX-APIM");
    expect(parseArmPath(`${lower}/NAMEDVALUES/x`, service)).toEqual({ resource: "namedValues", id: "x" });
  });

  it("answers ARM's 404s for another subscription, resource group or service", () => {
    expect(
      failure(base.replace("00000000-0000-0000-0000-000000000000", "11111111-1111-1111-1111-111111111111")),
    ).toEqual([404, "SubscriptionNotFound"]);
    expect(failure(base.replace("/portcullis-sandbox/", "/other-rg/"))).toEqual([404, "ResourceGroupNotFound"]);
    expect(failure(base.replace("portcullis-sandbox-apim", "other-apim"))).toEqual([404, "ResourceNotFound"]);
  });

  it("rejects paths it does not serve", () => {
    expect(failure(`${base}/loggers`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/policies/policy/x`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/apis/a/products/p`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/apis/a/operations/o/tags`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/apis/a/operations/o/policies/policy/x`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/products/p/groups`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/namedValues/a/b`)).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/apis//policies`)).toEqual([400, "InvalidResourceType"]);
    expect(failure("/providers/Microsoft.ApiManagement")).toEqual([400, "InvalidResourceType"]);
    expect(failure(`${base}/apis/%E0%A4%A`)).toEqual([400, "InvalidRequestContent"]);
  });

  it("names resource types as ARM does", () => {
    expect(resourceTypeOf({ resource: "service" })).toBe("service");
    expect(resourceTypeOf({ resource: "namedValues" })).toBe("service/namedValues");
    expect(resourceTypeOf({ resource: "namedValueAction", id: "x", action: "listValue" })).toBe("service/namedValues");
    expect(resourceTypeOf({ resource: "policies", scope: { kind: "service" } })).toBe("service/policies");
    expect(resourceTypeOf({ resource: "policies", scope: { kind: "product", productId: "p" } })).toBe(
      "service/products/policies",
    );
    expect(resourceTypeOf({ resource: "policies", scope: { kind: "api", apiId: "a" } })).toBe("service/apis/policies");
    expect(resourceTypeOf({ resource: "policies", scope: { kind: "operation", apiId: "a", operationId: "o" } })).toBe(
      "service/apis/operations/policies",
    );
    expect(resourceTypeOf({ resource: "operations", apiId: "a" })).toBe("service/apis/operations");
    expect(resourceTypeOf({ resource: "productApis", productId: "p" })).toBe("service/products/apis");
    expect(resourceTypeOf({ resource: "apiProducts", apiId: "a" })).toBe("service/apis/products");
    expect(resourceTypeOf({ resource: "products" })).toBe("service/products");
  });
});
