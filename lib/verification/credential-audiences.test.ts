import { describe, expect, it } from "vitest";
import { credentialAudienceProblem } from "./credential-audiences";

const OWN = ["api://portcullis", "11111111-2222-3333-4444-555555555555"];

describe("credentialAudienceProblem", () => {
  it("refuses ARM, Graph, Key Vault, Storage and SQL in every cloud, however spelled", () => {
    for (const audience of [
      "https://management.azure.com",
      "https://management.azure.com/",
      "HTTPS://Management.Azure.com//",
      "https://management.core.windows.net/",
      "https://management.usgovcloudapi.net",
      "https://management.chinacloudapi.cn",
      "https://graph.microsoft.com",
      "https://graph.windows.net/",
      "https://vault.azure.net",
      "https://contoso.vault.azure.net",
      "https://storage.azure.com/",
      "https://contoso.blob.core.windows.net",
      "https://database.windows.net/",
      "797f4846-ba00-4fd7-ba43-dac1f8f63013",
      "api://00000003-0000-0000-C000-000000000000",
    ])
      expect(credentialAudienceProblem(audience, OWN), audience).toMatch(/Microsoft resource/);
  });

  it("refuses Portcullis's own API", () => {
    for (const audience of [
      "api://portcullis",
      "API://Portcullis/",
      "portcullis",
      "11111111-2222-3333-4444-555555555555",
    ])
      expect(credentialAudienceProblem(audience, OWN), audience).toContain("Portcullis's own API");
  });

  it("lets an LLM API's own audience through, including ones that only look alike", () => {
    for (const audience of [
      "api://llm-gateway",
      "https://cognitiveservices.azure.com",
      "https://ai.azure.com",
      "https://management.azure.com.contoso.com",
      "https://notmanagement.azure.com",
      "https://llm.contoso.com/vault.azure.net",
      "99999999-2222-3333-4444-555555555555",
    ])
      expect(credentialAudienceProblem(audience, OWN), audience).toBeNull();
  });
});
