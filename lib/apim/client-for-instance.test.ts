import type { TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { fakeArm } from "../../test/support/apim/fake-arm";
import { AppError } from "../errors";
import { apimClientForInstance, configureApimClients } from "./client-for-instance";

const service = {
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroup: "rg",
  serviceName: "apim",
};

/** A credential that records which scopes it was asked for. */
function recordingCredential() {
  const scopes: string[] = [];
  const credential: TokenCredential = {
    getToken: async (requested) => {
      scopes.push(...[requested].flat());
      return { token: "t", expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  return { scopes, credential };
}

describe("the ARM client of an instance", () => {
  it("asks for a token of the endpoint's own cloud", async () => {
    for (const [armEndpoint, scope] of [
      ["https://management.azure.com", "https://management.azure.com/.default"],
      ["https://management.usgovcloudapi.net", "https://management.usgovcloudapi.net/.default"],
      ["https://management.chinacloudapi.cn", "https://management.chinacloudapi.cn/.default"],
    ] as const) {
      const arm = fakeArm(() => ({ status: 200, body: { value: [] } }));
      const { scopes, credential } = recordingCredential();
      configureApimClients({ httpClient: arm.httpClient }, credential);
      await apimClientForInstance({ id: armEndpoint, ...service, armEndpoint }).listApis();
      expect(scopes).toEqual([scope]);
      expect(arm.requests.map((r) => r.url.origin)).toEqual([armEndpoint]);
    }
  });

  it("sends nothing, not even a token request, to an endpoint that is not allowed", async () => {
    const arm = fakeArm(() => ({ status: 200, body: { value: [] } }));
    const { scopes, credential } = recordingCredential();
    configureApimClients({ httpClient: arm.httpClient }, credential);
    const refused = (() => {
      try {
        return apimClientForInstance({ id: "x", ...service, armEndpoint: "https://attacker.example" });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "conflict", fields: [{ path: "armEndpoint" }] });
    expect(scopes).toEqual([]);
    expect(arm.requests).toEqual([]);
  });
});
