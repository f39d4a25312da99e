import { describe, expect, it } from "vitest";
import { looksLikeKey } from "./key-like";

describe("looksLikeKey", () => {
  it("refuses keys, client secrets and tokens in the shapes they come in", () => {
    for (const value of [
      "0123456789abcdef0123456789abcdef", // an APIM subscription key, an Azure OpenAI key
      "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "DnxKIqsSXpTN8KBJl_GNJl0p1qXsJJ4y", // the sandbox's client secrets
      "I9TX-hvtGkmlw3GrckdTaK2EVgkwal2b",
      "Xy78Q~abcdefghijklmnopqrstuvwxyz012345", // Entra client secrets
      "abc8Q~Zk3.XjDn_Q0wLx-Ia5rT9bYv7uPq2MhKcE",
      "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
      "sk-proj-4fGh7Kl2Mn9Pq3Rs6Tu8Vw1Xy5Za0Bc",
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      "AKIAIOSFODNN7EXAMPLE",
      "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl",
    ])
      expect(looksLikeKey(value), value).toBe(true);
  });

  it("lets identifiers and names through", () => {
    for (const value of [
      "72f988bf-86f1-41af-91ab-2d7cd011db47",
      "api://72f988bf-86f1-41af-91ab-2d7cd011db47",
      "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
      "https://cognitiveservices.azure.com",
      "contoso.onmicrosoft.com",
      "chat-completions-prod-westeurope",
      "ContosoChatApplicationProd2024",
      "AzureOpenAI_Key_Production_2025",
      "myCompanyLlmGatewayClientAppV2",
      "aoai-prod-eastus2-gpt4o-deployment",
      "Chat.User",
      "skill-router-production-westeurope",
    ])
      expect(looksLikeKey(value), value).toBe(false);
  });
});
