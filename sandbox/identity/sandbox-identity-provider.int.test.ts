import { stat } from "node:fs/promises";
import path from "node:path";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureSandboxTls } from "../tls/ensure-sandbox-tls";
import { startSandboxIdentityProvider } from "./start-sandbox-identity-provider";
import { createCookieBrowser } from "../../test/support/identity/sign-in-through-form";
import {
  TEST_API_AUDIENCE,
  TEST_POST_LOGOUT_URI,
  TEST_REDIRECT_URI,
  TEST_ROLE_NAMES,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from "../../test/support/identity/start-test-identity-provider";

let env: TestIdentityProvider;

beforeAll(async () => {
  env = await startTestIdentityProvider(inject("sandboxTlsDir"));
});
afterAll(async () => {
  await env?.close();
});

async function clientCredentials(tenantId: string, client: { clientId: string; clientSecret: string }, scope: string) {
  const response = await fetch(`${env.idp.authorityHost}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: client.clientId,
      client_secret: client.clientSecret,
      scope,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

/** Opens the sign-in form of a fresh authorization request; returns its URL and the browser. */
async function openSignInForm() {
  const browser = createCookieBrowser();
  const authorize = new URL(`${env.idp.authorityHost}/${env.idp.tenantId}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: env.idp.webClient.clientId,
    response_type: "code",
    redirect_uri: TEST_REDIRECT_URI,
    scope: "openid profile",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  }).toString();
  const redirect = await browser.request(authorize.href);
  const formUrl = new URL(redirect.headers.get("location") ?? "", authorize).href;
  return { browser, formUrl, page: await browser.request(formUrl) };
}

describe("the sandbox identity provider looks like Entra ID", () => {
  it("serves the v2.0 discovery document with Entra's issuer and endpoint paths", async () => {
    const base = `${env.idp.authorityHost}/${env.idp.tenantId}`;
    const discovery = await (await fetch(`${base}/v2.0/.well-known/openid-configuration`)).json();

    expect(env.idp.issuer).toBe(`${base}/v2.0`);
    expect(discovery).toMatchObject({
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code"],
    });
  });

  it("publishes one RS256 signing key and never its private part", async () => {
    const { keys } = await (await fetch(`${env.idp.authorityHost}/${env.idp.tenantId}/discovery/v2.0/keys`)).json();

    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) });
    for (const privatePart of ["d", "p", "q", "dp", "dq", "qi"]) expect(keys[0]).not.toHaveProperty(privatePart);
  });

  it("maps `{resource}/.default` scopes to the access token's audience, as RS256 JWTs", async () => {
    const arm = await clientCredentials(env.idp.tenantId, env.idp.webClient, "https://management.azure.com/.default");
    const api = await clientCredentials(env.idp.tenantId, env.idp.automationClient, `${TEST_API_AUDIENCE}/.default`);

    expect(decodeProtectedHeader(arm.body.access_token ?? "")).toMatchObject({ alg: "RS256" });
    expect(decodeJwt(arm.body.access_token ?? "")).toMatchObject({
      aud: "https://management.azure.com/",
      idtyp: "app",
    });
    expect(decodeJwt(api.body.access_token ?? "")).toMatchObject({
      aud: TEST_API_AUDIENCE,
      iss: env.idp.issuer,
      tid: env.idp.tenantId,
      azp: env.idp.automationClient.clientId,
      appid: env.idp.automationClient.clientId,
      roles: [TEST_ROLE_NAMES.admin],
      idtyp: "app",
      ver: "2.0",
    });
  });

  it("has a second automation client, another service principal that also holds the admin role", async () => {
    const first = decodeJwt(
      (await clientCredentials(env.idp.tenantId, env.idp.automationClient, `${TEST_API_AUDIENCE}/.default`)).body
        .access_token ?? "",
    );
    const second = decodeJwt(
      (await clientCredentials(env.idp.tenantId, env.idp.secondAutomationClient, `${TEST_API_AUDIENCE}/.default`)).body
        .access_token ?? "",
    );
    expect(second).toMatchObject({ appid: env.idp.secondAutomationClient.clientId, roles: [TEST_ROLE_NAMES.admin] });
    expect(second.oid).toEqual(expect.any(String));
    expect(second.oid).not.toBe(first.oid);
  });

  it("refuses a resource it does not know, as Entra does", async () => {
    const unknown = await clientCredentials(env.idp.tenantId, env.idp.webClient, "https://storage.azure.com/.default");
    expect(unknown).toMatchObject({ status: 400, body: { error: "invalid_target" } });
  });

  it("refuses a wrong client secret", async () => {
    const wrong = await clientCredentials(
      env.idp.tenantId,
      { clientId: env.idp.automationClient.clientId, clientSecret: "wrong" },
      `${TEST_API_AUDIENCE}/.default`,
    );
    expect(wrong).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });

  it("has five users, one per role, a second admin (four-eyes) and one without, with strong distinct passwords", () => {
    expect(env.idp.users.map(({ username, roles }) => ({ username, roles }))).toEqual([
      { username: "admin", roles: [TEST_ROLE_NAMES.admin] },
      { username: "admin2", roles: [TEST_ROLE_NAMES.admin] },
      { username: "reviewer", roles: [TEST_ROLE_NAMES.reviewer] },
      { username: "reader", roles: [TEST_ROLE_NAMES.reader] },
      { username: "norole", roles: [] },
    ]);
    const passwords = env.idp.users.map((user) => user.password);
    expect(new Set(passwords).size).toBe(5);
    for (const password of passwords) expect(password.length).toBeGreaterThanOrEqual(24);
  });

  it("answers 404 for a tenant it does not host", async () => {
    const response = await fetch(
      `${env.idp.authorityHost}/00000000-0000-0000-0000-000000000000/v2.0/.well-known/openid-configuration`,
    );
    expect(response.status).toBe(404);
  });
});

describe("the sign-in form", () => {
  it("is a plain, labelled form with no external assets", async () => {
    const { page } = await openSignInForm();
    const html = await page.text();

    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<h1>Sign in to Portcullis<\/h1>/);
    expect(html).toMatch(
      /<label for="username">Username<\/label>\s*<input id="username"[^>]*autocomplete="username"[^>]*autofocus/,
    );
    expect(html).toMatch(
      /<label for="password">Password<\/label>\s*<input id="password"[^>]*type="password"[^>]*autocomplete="current-password"/,
    );
    expect(html).not.toMatch(/<(script|link|img)\b/);
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it("announces a wrong password in an alert tied to the fields, keeps the username, not the password", async () => {
    const { browser, formUrl } = await openSignInForm();
    const response = await browser.request(formUrl, {
      username: "admin",
      password: "not-the-password",
      action: "sign-in",
    });
    const html = await response.text();

    expect(html).toMatch(
      /<div class="error" role="alert" id="signin-error"><p>The username or password is incorrect\.<\/p><\/div>/,
    );
    expect(html).toMatch(
      /<input id="username"[^>]*value="admin"[^>]*aria-invalid="true"[^>]*aria-describedby="username-hint signin-error"/,
    );
    expect(html).toMatch(/<input id="password"[^>]*aria-invalid="true" autofocus aria-describedby="signin-error">/);
    expect(html).not.toContain("not-the-password");
  });

  it("escapes what it shows back", async () => {
    const { browser, formUrl } = await openSignInForm();
    const html = await (
      await browser.request(formUrl, { username: '"><script>x</script>', password: "x", action: "sign-in" })
    ).text();

    expect(html).not.toContain("<script>");
    expect(html).toContain("&quot;&gt;&lt;script&gt;");
  });
});

describe("persistence and the second tenant", () => {
  it("keeps tenant, clients, passwords and signing key across a restart, so old tokens still validate", async () => {
    const before = await clientCredentials(env.idp.tenantId, env.idp.automationClient, `${TEST_API_AUDIENCE}/.default`);
    const restarted = await startSandboxIdentityProvider({
      dataDir: env.dataDir,
      port: 0,
      tls: await ensureSandboxTls(inject("sandboxTlsDir")),
      appRedirectUris: [TEST_REDIRECT_URI],
      postLogoutRedirectUris: [TEST_POST_LOGOUT_URI],
      apiAudience: TEST_API_AUDIENCE,
      roleNames: TEST_ROLE_NAMES,
    });
    try {
      expect(restarted.tenantId).toBe(env.idp.tenantId);
      expect(restarted.webClient).toEqual(env.idp.webClient);
      expect(restarted.automationClient).toEqual(env.idp.automationClient);
      expect(restarted.users).toEqual(env.idp.users);
      const { keys } = await (
        await fetch(`${restarted.authorityHost}/${restarted.tenantId}/discovery/v2.0/keys`)
      ).json();
      expect(keys[0].kid).toBe(decodeProtectedHeader(before.body.access_token ?? "").kid);
    } finally {
      await restarted.close();
    }
    expect((await stat(path.join(env.dataDir, "sandbox-identity.json"))).mode & 0o777).toBe(0o600);
  });

  it("hosts a second tenant with its own issuer and keys", async () => {
    const other = env.idp.otherTenant;
    const token = await clientCredentials(other.tenantId, other.automationClient, `${TEST_API_AUDIENCE}/.default`);
    const home = await clientCredentials(env.idp.tenantId, env.idp.automationClient, `${TEST_API_AUDIENCE}/.default`);

    expect(other.tenantId).not.toBe(env.idp.tenantId);
    expect(other.issuer).toBe(`${env.idp.authorityHost}/${other.tenantId}/v2.0`);
    expect(decodeJwt(token.body.access_token ?? "")).toMatchObject({ iss: other.issuer, tid: other.tenantId });
    expect(decodeProtectedHeader(token.body.access_token ?? "").kid).not.toBe(
      decodeProtectedHeader(home.body.access_token ?? "").kid,
    );
  });

  it("does not let one tenant's client use another tenant's token endpoint", async () => {
    const crossed = await clientCredentials(
      env.idp.otherTenant.tenantId,
      env.idp.automationClient,
      `${TEST_API_AUDIENCE}/.default`,
    );
    expect(crossed).toMatchObject({ status: 401, body: { error: "invalid_client" } });
  });
});

async function graphToken(client: { clientId: string; clientSecret: string }): Promise<string> {
  const { status, body } = await clientCredentials(env.idp.tenantId, client, "https://graph.microsoft.com/.default");
  expect(status).toBe(200);
  return body.access_token!;
}

async function servicePrincipals(filter: string, token: string | null) {
  const url = `${env.idp.authorityHost}/v1.0/servicePrincipals?$filter=${encodeURIComponent(filter)}&$select=appId,displayName`;
  const response = await fetch(url, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("the sandbox identity provider's stand-in for Microsoft Graph", () => {
  it("names the tenant's applications by appId for an app holding Application.Read.All", async () => {
    const token = await graphToken(env.idp.webClient);
    const [chat, batch] = env.idp.callerClients;
    const unknown = "00000000-0000-4000-8000-000000000000";
    const answer = await servicePrincipals(
      `appId in ('${chat!.clientId}','${batch!.clientId.toUpperCase()}','${unknown}')`,
      token,
    );
    expect(answer.status).toBe(200);
    expect(answer.body.value).toEqual([
      { id: expect.any(String), appId: chat!.clientId, displayName: chat!.displayName },
      { id: expect.any(String), appId: batch!.clientId, displayName: batch!.displayName },
    ]);
    const single = await servicePrincipals(`appId eq '${env.idp.automationClient.clientId}'`, token);
    expect(single.body.value).toEqual([
      { id: expect.any(String), appId: env.idp.automationClient.clientId, displayName: "Sandbox automation" },
    ]);
  });

  it("answers as Graph does without a token, without the permission, and past 15 values", async () => {
    expect(await servicePrincipals("appId eq 'x'", null)).toEqual({
      status: 401,
      body: { error: { code: "InvalidAuthenticationToken", message: "Access token validation failure." } },
    });
    const withoutPermission = await graphToken(env.idp.automationClient);
    expect(await servicePrincipals("appId eq 'x'", withoutPermission)).toEqual({
      status: 403,
      body: {
        error: { code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation." },
      },
    });
    const token = await graphToken(env.idp.webClient);
    const sixteen = Array.from({ length: 16 }, (_, n) => `'${n}'`).join(",");
    const tooMany = await servicePrincipals(`appId in (${sixteen})`, token);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toMatchObject({ code: "Request_UnsupportedQuery" });
    // A token for another audience (here Portcullis's own API) is not a Graph token.
    const other = (await clientCredentials(env.idp.tenantId, env.idp.webClient, `${TEST_API_AUDIENCE}/.default`)).body
      .access_token!;
    expect((await servicePrincipals("appId eq 'x'", other)).status).toBe(401);
  });
});
