import { describe, expect, it } from "vitest";
import { fakeArm, servicePath } from "../../../test/support/apim/fake-arm";

const userAssigned =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1";

describe("getService", () => {
  it("reads the gateway URL and the managed identities in ARM's shape", async () => {
    const arm = fakeArm(() => ({
      status: 200,
      body: {
        name: "apim-test",
        properties: { gatewayUrl: "https://apim-test.azure-api.net", publisherEmail: "x@y", publisherName: "x" },
        sku: { name: "Developer", capacity: 1 },
        location: "West Europe",
        identity: {
          type: "SystemAssigned,UserAssigned",
          principalId: "p-system",
          tenantId: "t",
          userAssignedIdentities: { [userAssigned]: { principalId: "p-user", clientId: "c-user" } },
        },
      },
    }));
    const { value } = await arm.client().getService();
    expect(value).toEqual({
      gatewayUrl: "https://apim-test.azure-api.net",
      gatewayOrigins: ["https://apim-test.azure-api.net"],
      identity: {
        type: "SystemAssigned, UserAssigned",
        principalId: "p-system",
        tenantId: "t",
        userAssignedIdentities: { [userAssigned]: { principalId: "p-user", clientId: "c-user" } },
      },
    });
    expect(arm.requests[0]?.url.pathname).toBe(servicePath);
  });

  it("says None when the service has no identity", async () => {
    const arm = fakeArm(() => ({
      status: 200,
      body: { name: "apim-test", properties: {}, sku: { name: "Developer", capacity: 1 }, location: "x" },
    }));
    expect((await arm.client().getService()).value).toEqual({
      gatewayUrl: null,
      gatewayOrigins: [],
      identity: { type: "None" },
    });
  });

  it("lists every origin where the service's gateway answers: the gateway URL, regional URLs and custom proxy host names", async () => {
    const arm = fakeArm(() => ({
      status: 200,
      body: {
        name: "apim-test",
        properties: {
          gatewayUrl: "https://apim-test.azure-api.net",
          gatewayRegionalUrl: "https://apim-test-westeurope-01.regional.azure-api.net",
          additionalLocations: [
            { location: "East US", gatewayRegionalUrl: "https://apim-test-eastus-01.regional.azure-api.net" },
            { location: "North Europe" },
          ],
          hostnameConfigurations: [
            { type: "Proxy", hostName: "apim-test.azure-api.net", defaultSslBinding: true },
            { type: "Proxy", hostName: "llm.contoso.com" },
            { type: "Management", hostName: "management.contoso.com" },
            { type: "DeveloperPortal", hostName: "portal.contoso.com" },
          ],
        },
        sku: { name: "Premium", capacity: 1 },
        location: "West Europe",
      },
    }));
    expect((await arm.client().getService()).value.gatewayOrigins).toEqual([
      "https://apim-test.azure-api.net",
      "https://apim-test-westeurope-01.regional.azure-api.net",
      "https://apim-test-eastus-01.regional.azure-api.net",
      "https://llm.contoso.com",
    ]);
  });
});
