import { describe, expect, it } from "vitest";
import { accessProfileSchema, type AccessProfile } from "../policy/profile-schema";
import { profileChangeSchema } from "./change-schema";
import { editProfile } from "./edit-profile";

const A = "11111111-2222-3333-4444-555555555555";
const B = "22222222-2222-3333-4444-555555555555";

const entra = accessProfileSchema.parse({
  backendAuth: { mode: "apiKey", namedValue: "key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [A], audiences: ["api://x"] },
});
const jwt = accessProfileSchema.parse({
  backendAuth: { mode: "none" },
  callerAuth: {
    mode: "jwt",
    openIdConfigUrl: "https://login.example.com/.well-known/openid-configuration",
    issuers: ["https://login.example.com"],
    audiences: ["api://only"],
  },
});
const open = accessProfileSchema.parse({ backendAuth: { mode: "none" }, callerAuth: { mode: "none" } });

function edit(profile: AccessProfile, change: unknown) {
  return editProfile(profile, profileChangeSchema.parse(change));
}

function callersOf(result: ReturnType<typeof editProfile>) {
  if (result.kind !== "edited") throw new Error(`expected an edit, got ${JSON.stringify(result)}`);
  return result.profile.callerAuth;
}

describe("editProfile", () => {
  it("adds a client application once, keeping the others", () => {
    expect(callersOf(edit(entra, { op: "addClientApplication", clientApplicationId: B }))).toMatchObject({
      clientApplicationIds: [A, B],
    });
    expect(edit(entra, { op: "addClientApplication", clientApplicationId: A })).toEqual({ kind: "unchanged" });
  });

  it("removes a client application, but never the last one", () => {
    const two = callersOf(edit(entra, { op: "addClientApplication", clientApplicationId: B }));
    const withTwo = { ...entra, callerAuth: two };
    expect(callersOf(edit(withTwo, { op: "removeClientApplication", clientApplicationId: A }))).toMatchObject({
      clientApplicationIds: [B],
    });
    expect(edit(entra, { op: "removeClientApplication", clientApplicationId: B })).toEqual({ kind: "unchanged" });
    expect(edit(entra, { op: "removeClientApplication", clientApplicationId: A })).toMatchObject({
      kind: "refused",
      reason: expect.stringContaining("only client application"),
    });
  });

  it("refuses client applications and tenants on profiles that do not check Entra tokens", () => {
    expect(edit(jwt, { op: "addClientApplication", clientApplicationId: B })).toMatchObject({
      kind: "refused",
      reason: expect.stringContaining("validate-jwt"),
    });
    expect(edit(open, { op: "setTenant", tenantId: "fabrikam.onmicrosoft.com" })).toMatchObject({ kind: "refused" });
  });

  it("sets the tenant", () => {
    expect(callersOf(edit(entra, { op: "setTenant", tenantId: "fabrikam.onmicrosoft.com" }))).toMatchObject({
      tenantId: "fabrikam.onmicrosoft.com",
    });
    expect(edit(entra, { op: "setTenant", tenantId: "contoso.onmicrosoft.com" })).toEqual({ kind: "unchanged" });
  });

  it("adds and removes audiences on Entra and JWT profiles, keeping a JWT profile's last one", () => {
    expect(callersOf(edit(jwt, { op: "addAudience", audience: "api://two" }))).toMatchObject({
      audiences: ["api://only", "api://two"],
    });
    expect(callersOf(edit(entra, { op: "removeAudience", audience: "api://x" }))).toMatchObject({ audiences: [] });
    expect(edit(jwt, { op: "removeAudience", audience: "api://only" })).toMatchObject({ kind: "refused" });
    expect(edit(open, { op: "addAudience", audience: "api://two" })).toMatchObject({ kind: "refused" });
  });

  it("adds a required claim, replacing one of the same name, and removes it by name", () => {
    const claim = { name: "roles", match: "any", values: ["Chat.Use"] };
    const added = callersOf(edit(entra, { op: "addRequiredClaim", claim }));
    expect(added).toMatchObject({ requiredClaims: [{ name: "roles", match: "any", values: ["Chat.Use"] }] });
    const withClaim = { ...entra, callerAuth: added };
    expect(edit(withClaim, { op: "addRequiredClaim", claim })).toEqual({ kind: "unchanged" });
    expect(
      callersOf(edit(withClaim, { op: "addRequiredClaim", claim: { ...claim, values: ["Chat.Admin"] } })),
    ).toMatchObject({ requiredClaims: [{ name: "roles", values: ["Chat.Admin"] }] });
    expect(callersOf(edit(withClaim, { op: "removeRequiredClaim", name: "roles" }))).toMatchObject({
      requiredClaims: [],
    });
    expect(edit(entra, { op: "removeRequiredClaim", name: "roles" })).toEqual({ kind: "unchanged" });
  });

  it("switches backend authentication and leaves the callers as they are", () => {
    const result = edit(entra, {
      op: "setBackendAuth",
      backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
    });
    expect(result).toMatchObject({
      kind: "edited",
      profile: { backendAuth: { mode: "managedIdentity" }, callerAuth: entra.callerAuth },
    });
    expect(edit(entra, { op: "setBackendAuth", backendAuth: entra.backendAuth })).toEqual({ kind: "unchanged" });
  });

  it("refuses values a profile could not hold before touching any API", () => {
    expect(profileChangeSchema.safeParse({ op: "addClientApplication", clientApplicationId: "nope" }).success).toBe(
      false,
    );
    expect(profileChangeSchema.safeParse({ op: "addAudience", audience: "@(context.Request)" }).success).toBe(false);
  });
});
