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
    expect((await arm.client().getService()).value).toEqual({ gatewayUrl: null, identity: { type: "None" } });
  });
});
