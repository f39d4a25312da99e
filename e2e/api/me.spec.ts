import { expect, test } from "../support/test";
import { clientCredentialsToken, sandbox } from "../support/sandbox";

test.describe("GET /api/v1/me", () => {
  test("returns the automation client's identity with the admin role", async ({ request }) => {
    const token = await clientCredentialsToken();

    const response = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });

    expect(response.status()).toBe(200);
    expect(await response.json()).toMatchObject({
      type: "app",
      tid: sandbox().tenantId,
      roles: ["admin"],
      permissions: ["audit.read", "config.read", "config.write"],
    });
  });

  test("answers 401 problem+json with WWW-Authenticate without a token", async ({ request }) => {
    const response = await request.get("/api/v1/me");

    expect(response.status()).toBe(401);
    expect(response.headers()["content-type"]).toBe("application/problem+json");
    expect(response.headers()["www-authenticate"]).toBe('Bearer realm="portcullis"');
    expect(await response.json()).toMatchObject({ status: 401, code: "unauthenticated" });
  });

  test("never accepts the console session cookie", async ({ request }) => {
    const response = await request.get("/api/v1/me", { headers: { cookie: "__Host-portcullis-session=anything" } });
    expect(response.status()).toBe(401);
  });

  test("refuses a token issued for another audience (here: ARM) with invalid_token", async ({ request }) => {
    const armToken = await clientCredentialsToken(sandbox().webClient, "https://management.azure.com/.default");

    const response = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${armToken}` } });

    expect(response.status()).toBe(401);
    expect(response.headers()["www-authenticate"]).toContain('error="invalid_token"');
  });

  test("answers 403 for a valid token without any Portcullis role", async ({ request }) => {
    // The web app's own client-credentials token for the API carries no app role.
    const token = await clientCredentialsToken(sandbox().webClient);

    const response = await request.get("/api/v1/me", { headers: { authorization: `Bearer ${token}` } });

    expect(response.status()).toBe(403);
    expect(await response.json()).toMatchObject({ status: 403, code: "forbidden" });
  });
});
