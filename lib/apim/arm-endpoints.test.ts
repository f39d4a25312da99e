import { describe, expect, it } from "vitest";
import { AZURE_CLOUD_ENDPOINTS, parseAllowedArmEndpoints, resolveArmEndpoint } from "./arm-endpoints";

describe("allowed ARM endpoints", () => {
  it("gives each Azure cloud's endpoint the token of that cloud", () => {
    expect(resolveArmEndpoint("https://management.azure.com", AZURE_CLOUD_ENDPOINTS)?.scope).toBe(
      "https://management.azure.com/.default",
    );
    expect(resolveArmEndpoint("https://management.usgovcloudapi.net/", AZURE_CLOUD_ENDPOINTS)?.scope).toBe(
      "https://management.usgovcloudapi.net/.default",
    );
    expect(resolveArmEndpoint("https://MANAGEMENT.chinacloudapi.cn", AZURE_CLOUD_ENDPOINTS)?.scope).toBe(
      "https://management.chinacloudapi.cn/.default",
    );
  });

  it("allows nothing else: look-alike hosts, other ports, plain http, credentials", () => {
    for (const endpoint of [
      "https://management.azure.com.attacker.example",
      "https://attacker.example/management.azure.com",
      "https://management.azure.com:8443",
      "http://management.azure.com",
      "https://user:pass@management.azure.com",
      "https://127.0.0.1:3642",
      "not a url",
    ]) {
      expect(resolveArmEndpoint(endpoint, AZURE_CLOUD_ENDPOINTS), endpoint).toBeUndefined();
    }
  });

  it("reads ARM_ENDPOINTS_ALLOWED: origins, each with the cloud whose token it gets (AzureCloud by default)", () => {
    const parsed = parseAllowedArmEndpoints(
      " https://arm.contoso.example , https://gov.contoso.example:8443=AzureUSGovernment",
    );
    expect(parsed).toEqual({
      entries: [
        { origin: "https://arm.contoso.example", cloud: "AzureCloud" },
        { origin: "https://gov.contoso.example:8443", cloud: "AzureUSGovernment" },
      ],
    });
    const allowed = "entries" in parsed ? parsed.entries : [];
    expect(resolveArmEndpoint("https://gov.contoso.example:8443", allowed)?.scope).toBe(
      "https://management.usgovcloudapi.net/.default",
    );
  });

  it("refuses list entries that are not bare https origins or name an unknown cloud", () => {
    for (const [text, problem] of [
      ["http://arm.example", /not an https:\/\/ origin/],
      ["https://arm.example/path", /not an https:\/\/ origin/],
      ["https://arm.example?x=1", /not an https:\/\/ origin/],
      ["https://arm.example=AzureGermanCloud", /names the cloud "AzureGermanCloud"/],
      ["https://arm.example=AzureCloud=x", /not an https:\/\/ origin/],
    ] as const) {
      const parsed = parseAllowedArmEndpoints(text);
      expect("problem" in parsed && parsed.problem, text).toMatch(problem);
    }
  });
});
