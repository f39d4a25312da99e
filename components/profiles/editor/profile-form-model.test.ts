import { describe, expect, it } from "vitest";
import { validateAccessProfile, type AccessProfile } from "@/lib/policy/profile-schema";
import { fieldKeyOf, modelFromProfile, profileFromModel } from "./profile-form-model";

const profiles: AccessProfile[] = [
  {
    backendAuth: { mode: "apiKey", namedValue: "openai-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: {
      mode: "entra",
      tenantId: "contoso.onmicrosoft.com",
      clientApplicationIds: ["11111111-2222-3333-4444-555555555555", "21111111-2222-3333-4444-555555555555"],
      audiences: [],
      requiredClaims: [{ name: "scp", match: "any", separator: " ", values: ["Chat.Use", "Chat.Admin"] }],
      failedValidation: { httpCode: 403, message: "No." },
    },
  },
  {
    backendAuth: {
      mode: "managedIdentity",
      resource: "https://cognitiveservices.azure.com",
      clientId: "31111111-2222-3333-4444-555555555555",
      delivery: "backend",
      backendId: "be",
      backendUrl: "https://x.openai.azure.com/openai",
    },
    callerAuth: {
      mode: "jwt",
      openIdConfigUrl: "https://login.example.com/.well-known/openid-configuration",
      issuers: ["https://login.example.com/"],
      audiences: ["api://chat"],
      requiredClaims: [],
    },
  },
  {
    backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
    callerAuth: { mode: "none" },
  },
  { backendAuth: { mode: "none" }, callerAuth: { mode: "none" } },
];

describe("the profile editor's form model", () => {
  it.each(profiles.map((p) => [`${p.backendAuth.mode}/${p.callerAuth.mode}`, p] as const))(
    "gives back the profile it was made from (%s)",
    (_name, profile) => {
      expect(validateAccessProfile(profileFromModel(modelFromProfile(profile)))).toEqual({ ok: true, profile });
    },
  );

  it("keeps the other mode's fields while a mode is switched back and forth", () => {
    const model = modelFromProfile(profiles[0]!);
    model.callerAuth.mode = "none";
    expect(profileFromModel(model)).toMatchObject({ callerAuth: { mode: "none" } });
    model.callerAuth.mode = "entra";
    expect(validateAccessProfile(profileFromModel(model))).toEqual({ ok: true, profile: profiles[0] });
  });

  it("trims text, leaves out empty optional fields and keeps empty list items where they are", () => {
    const model = modelFromProfile(null);
    model.callerAuth.mode = "entra";
    model.callerAuth.tenantId = "  contoso.com ";
    model.callerAuth.clientApplicationIds.push({ key: "n1", value: " 11111111-2222-3333-4444-555555555555 " });
    model.callerAuth.failedValidation.httpCode = "4o1";

    expect(profileFromModel(model)).toEqual({
      backendAuth: { mode: "none" },
      callerAuth: {
        mode: "entra",
        tenantId: "contoso.com",
        clientApplicationIds: ["", "11111111-2222-3333-4444-555555555555"],
        audiences: [],
        requiredClaims: [],
        failedValidation: { httpCode: "4o1" },
      },
    });
  });

  it("starts a partly known live profile from what is known", () => {
    const model = modelFromProfile({ backendAuth: profiles[1]!.backendAuth, callerAuth: null });
    expect(model.backendAuth).toMatchObject({ mode: "managedIdentity", delivery: "backend", backendId: "be" });
    expect(model.callerAuth.mode).toBe("none");
  });

  it("finds the field of a server error by the item that was sent at that index", () => {
    const sent = modelFromProfile(profiles[0]!);
    sent.callerAuth.clientApplicationIds.splice(0, 1);

    expect(fieldKeyOf("callerAuth.clientApplicationIds[0]", sent)).toBe("callerAuth.clientApplicationIds.app1");
    expect(fieldKeyOf("callerAuth.requiredClaims[0].values[1]", sent)).toBe(
      "callerAuth.requiredClaims.claim0.values.claim0v1",
    );
    expect(fieldKeyOf("callerAuth.requiredClaims[0].name", sent)).toBe("callerAuth.requiredClaims.claim0.name");
    expect(fieldKeyOf("callerAuth.tenantId", sent)).toBe("callerAuth.tenantId");
    expect(fieldKeyOf("callerAuth.failedValidation", sent)).toBe("callerAuth.failedValidation.httpCode");
    expect(fieldKeyOf("(profile)", sent)).toBeNull();
  });
});
