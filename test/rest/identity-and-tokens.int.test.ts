import { describe, expect, it } from "vitest";
import { GET as me } from "../../app/api/v1/me/route";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();

describe("REST authentication (GET /api/v1/me)", () => {
  it("returns the automation client's identity with the admin role for a client-credentials token", async () => {
    const response = await callRoute(me, { path: "/me", token: await sandbox.tokens.automation() });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      type: "app",
      tid: sandbox.coordinates.tenantId,
      roles: ["admin"],
      permissions: ["audit.read", "config.read", "config.write"],
    });
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  it("returns a user's identity and roles for a delegated token", async () => {
    const response = await callRoute(me, {
      path: "/me",
      token: await sandbox.tokens.user("reviewer", { name: "Rita Reviewer" }),
    });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      type: "user",
      name: "Rita Reviewer",
      roles: ["reviewer"],
      permissions: ["audit.read", "config.read"],
    });
  });

  const now = () => Math.floor(Date.now() / 1000);
  const refused: Array<[string, () => Promise<string | undefined>]> = [
    ["no token", async () => undefined],
    [
      "an expired token",
      () => sandbox.tokens.user("admin", { iat: now() - 7200, nbf: now() - 7200, exp: now() - 3600 }),
    ],
    ["a token for another audience", () => sandbox.tokens.user("admin", { aud: "https://management.azure.com/" })],
    ["a token from another issuer", () => sandbox.tokens.user("admin", { iss: "https://login.example.com/evil/v2.0" })],
    [
      "an unsigned token (alg: none)",
      async () =>
        sandbox.tokens.unsigned({
          iss: sandbox.coordinates.issuer,
          aud: sandbox.coordinates.apiAudience,
          tid: sandbox.coordinates.tenantId,
          oid: "x",
          roles: ["Portcullis.Admin"],
          exp: now() + 600,
        }),
    ],
    [
      "an HS256 token keyed with the tenant's public key",
      () => sandbox.tokens.forged({ roles: ["Portcullis.Admin"] }, { algorithm: "HS256" }),
    ],
    ["a genuine token from another tenant", () => sandbox.tokens.otherTenant()],
  ];

  it.each(refused)("answers 401 problem+json with WWW-Authenticate for %s", async (_name, token) => {
    const value = await token();
    const response = await callRoute(me, { path: "/me", token: value });

    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("www-authenticate")).toMatch(
      value ? /^Bearer realm="portcullis", error="invalid_token"/ : /^Bearer realm="portcullis"$/,
    );
    expect(response.body).toMatchObject({ status: 401, code: "unauthenticated" });
    expect(JSON.stringify(response.body)).not.toContain(value ?? "\u0000");
  });

  it("never accepts the console session cookie", async () => {
    const response = await callRoute(me, { path: "/me", headers: { cookie: "__Host-portcullis-session=whatever" } });
    expect(response.status).toBe(401);
  });

  it("answers 403 problem+json for a valid token without any Portcullis role, and audits it", async () => {
    const token = await sandbox.tokens.user("none", { oid: "99999999-0000-0000-0000-000000000009" });

    const response = await callRoute(me, { path: "/me", token });

    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: "forbidden" });
    const denial = await sandbox.db.prisma.auditEvent.findFirst({
      where: { actorOid: "99999999-0000-0000-0000-000000000009" },
    });
    expect(denial).toMatchObject({ action: "auth.denied", outcome: "denied" });
  });
});
