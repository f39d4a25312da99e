import { describe, expect, it } from "vitest";
import { sampleProfiles } from "./__fixtures__/sample-profiles";
import { readBackendEntity, renderBackendEntity } from "./backend-entity";
import { profileReferences } from "./profile-references";

describe("renderBackendEntity and readBackendEntity", () => {
  it("writes header credentials from the named value and reads them back", () => {
    const profile = sampleProfiles["apikey-backend--entra"];
    const entity = renderBackendEntity(profile);
    expect(entity).toEqual({
      backendId: "openai-backend",
      properties: {
        url: "https://contoso.openai.azure.com/openai",
        protocol: "http",
        credentials: { header: { "api-key": ["{{openai-api-key}}"] } },
      },
    });
    expect(readBackendEntity("openai-backend", entity?.properties ?? {})).toEqual({
      ok: true,
      backendAuth: profile.backendAuth,
    });
  });

  it("writes managed identity credentials and reads them back", () => {
    const profile = sampleProfiles["managed-identity-backend--jwt"];
    const entity = renderBackendEntity(profile);
    expect(entity?.properties.credentials).toEqual({
      managedIdentity: { resource: "https://cognitiveservices.azure.com" },
    });
    expect(readBackendEntity("foundry", entity?.properties ?? {})).toEqual({
      ok: true,
      backendAuth: profile.backendAuth,
    });
  });

  it("needs no entity for delivery by policy", () => {
    expect(renderBackendEntity(sampleProfiles["managed-identity-policy--entra"])).toBeUndefined();
    expect(renderBackendEntity(sampleProfiles["none--none"])).toBeUndefined();
  });

  it.each([
    [
      { url: "https://x.example.com", credentials: { header: { "api-key": ["literal-secret"] } } },
      "one {{named value}}",
    ],
    [{ url: "https://x.example.com", credentials: { header: { a: ["{{k}}"], b: ["{{k}}"] } } }, "exactly one header"],
    [
      {
        url: "https://x.example.com",
        credentials: { header: { a: ["{{k}}"] }, managedIdentity: { resource: "https://r.example.com" } },
      },
      "both",
    ],
    [
      {
        url: "https://x.example.com",
        credentials: { header: { a: ["{{k}}"] }, authorization: { scheme: "Basic", parameter: "x" } },
      },
      "credentials.authorization",
    ],
    [{ url: "http://x.example.com", credentials: { header: { a: ["{{k}}"] } } }, "https://"],
    [{ url: "https://x.example.com" }, "exactly one header"],
  ])("refuses an entity a profile cannot describe: %j", (properties, reason) => {
    expect(readBackendEntity("b", properties)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });
});

describe("profileReferences", () => {
  it("lists the named values and backends that must exist before the policy", () => {
    expect(profileReferences(sampleProfiles["apikey-backend--entra"])).toEqual({
      namedValues: ["openai-api-key"],
      backendIds: ["openai-backend"],
    });
    expect(profileReferences(sampleProfiles["apikey-header--none"])).toEqual({
      namedValues: ["openai-api-key"],
      backendIds: [],
    });
    expect(profileReferences(sampleProfiles["managed-identity-backend--jwt"])).toEqual({
      namedValues: [],
      backendIds: ["foundry"],
    });
    expect(profileReferences(sampleProfiles["none--jwt"])).toEqual({ namedValues: [], backendIds: [] });
  });
});
