import { createPublicKey, randomUUID } from "node:crypto";
import { ConfidentialClientApplication, CryptoProvider } from "@azure/msal-node";
import { SignJWT, importJWK, type JWTPayload } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadOrCreateIdentityState, type SandboxTenant } from "../../sandbox/identity/identity-state";
import { signInThroughForm } from "../../test/support/identity/sign-in-through-form";
import {
  TEST_API_AUDIENCE,
  TEST_REDIRECT_URI,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from "../../test/support/identity/start-test-identity-provider";
import { AppError } from "../errors";
import { createBearerTokenValidator, type BearerTokenValidator } from "./bearer-token";
import { resolveEntraConfig } from "./entra-config";
import { msalConfiguration } from "./msal-client";

// Real tokens from the sandbox provider (via MSAL, as automation clients get them), and
// forged ones that differ from a valid token in exactly one respect.
let env: TestIdentityProvider;
let validator: BearerTokenValidator;
let home: SandboxTenant;

const API_SCOPE = `${TEST_API_AUDIENCE}/.default`;
const ARM_SCOPE = "https://management.azure.com/.default";

beforeAll(async () => {
  env = await startTestIdentityProvider(inject("sandboxTlsDir"));
  validator = createBearerTokenValidator(env.config);
  home = (await loadOrCreateIdentityState(env.dataDir)).home;
});
afterAll(async () => {
  await env?.close();
});

/** An MSAL confidential client for one of the sandbox's clients, configured as the app does. */
function msalFor(tenantId: string, client: { clientId: string; clientSecret: string }) {
  return new ConfidentialClientApplication(
    msalConfiguration(resolveEntraConfig({ tenantId, ...client, authorityHost: env.idp.authorityHost })),
  );
}

async function clientCredentialsToken(
  tenantId: string,
  client: { clientId: string; clientSecret: string },
  scope: string,
) {
  const result = await msalFor(tenantId, client).acquireTokenByClientCredential({ scopes: [scope] });
  if (!result) throw new Error("MSAL returned no token");
  return result.accessToken;
}

async function forge(
  overrides: JWTPayload,
  algorithm: "RS256" | "HS256" = "RS256",
  typ: string | undefined = "JWT",
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // An Entra v2.0 app-only access token: `azpacr` says how the client authenticated.
  const claims: JWTPayload = {
    iss: env.idp.issuer,
    aud: TEST_API_AUDIENCE,
    tid: env.idp.tenantId,
    oid: home.automationClient.objectId,
    azp: home.automationClient.clientId,
    azpacr: "1",
    ver: "2.0",
    idtyp: "app",
    roles: ["Portcullis.Admin"],
    iat: now,
    nbf: now,
    exp: now + 600,
    ...overrides,
  };
  const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: algorithm, kid: home.signingKey.kid, typ });
  if (algorithm === "RS256") return jwt.sign(await importJWK(home.signingKey, "RS256"));
  // The classic confusion attack: the tenant's public key (PEM) used as an HMAC secret.
  const { d: _private, ...publicJwk } = home.signingKey;
  const publicPem = createPublicKey({ key: publicJwk, format: "jwk" }).export({ type: "spki", format: "pem" });
  return jwt.sign(new TextEncoder().encode(String(publicPem)));
}

function unsigned(payload: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
}

async function rejection(authorization: string | undefined): Promise<AppError> {
  const error = await validator.authenticate(authorization).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe("bearer tokens that are accepted", () => {
  it("accepts the automation client's client-credentials token from MSAL, with the admin role", async () => {
    const token = await clientCredentialsToken(env.idp.tenantId, env.idp.automationClient, API_SCOPE);

    expect(await validator.authenticate(`Bearer ${token}`)).toEqual({
      kind: "app",
      oid: home.automationClient.objectId,
      tid: env.idp.tenantId,
      name: env.idp.automationClient.clientId,
      clientId: env.idp.automationClient.clientId,
      roles: ["Portcullis.Admin"],
    });
  });

  it("accepts a user's delegated token for the API, with the user's role", async () => {
    const msal = msalFor(env.idp.tenantId, env.idp.webClient);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const authorizationUrl = await msal.getAuthCodeUrl({
      scopes: [API_SCOPE],
      redirectUri: TEST_REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const reviewer = env.idp.users.find((user) => user.username === "reviewer")!;
    const callback = await signInThroughForm(authorizationUrl, reviewer, TEST_REDIRECT_URI);
    const result = await msal.acquireTokenByCode({
      code: callback.get("code") ?? "",
      scopes: [API_SCOPE],
      redirectUri: TEST_REDIRECT_URI,
      codeVerifier: verifier,
    });

    const identity = await validator.authenticate(`Bearer ${result.accessToken}`);

    expect(identity).toMatchObject({
      kind: "user",
      name: "Sandbox Reviewer",
      clientId: env.idp.webClient.clientId,
      roles: ["Portcullis.Reviewer"],
    });
    // The sandbox answers with client_info like Entra, so MSAL's account id is oid.tid.
    expect(result.account?.homeAccountId).toBe(`${identity.oid}.${env.idp.tenantId}`);
  });

  it("accepts the forged baseline token, so each rejection below is due to its one change", async () => {
    expect(await validator.authenticate(`Bearer ${await forge({})}`)).toMatchObject({ kind: "app" });
  });
});

describe("bearer tokens that are refused with 401", () => {
  it("no token at all: no invalid_token error, as RFC 6750 asks", async () => {
    for (const header of [undefined, ""]) {
      const error = await rejection(header);
      expect(error.code).toBe("unauthenticated");
      expect(error.message).toBe("A bearer token is required");
      expect(error.details).toEqual({});
    }
  });

  it("another authentication scheme", async () => {
    expect((await rejection("Basic YWRtaW46YWRtaW4=")).message).toBe(
      "The Authorization header must be 'Bearer <access token>'",
    );
  });

  it.each<[string, () => Promise<string>, string]>([
    ["an expired token", () => forge({ iat: 1_000_000, nbf: 1_000_000, exp: 1_000_600 }), "The token has expired"],
    ["a token without exp", () => forge({ exp: undefined }), "The token lacks the exp claim"],
    ["a token not valid yet", () => forge({ nbf: Math.floor(Date.now() / 1000) + 3600 }), "The token is not valid yet"],
    [
      "a token for another audience (ARM)",
      () => clientCredentialsToken(env.idp.tenantId, env.idp.automationClient, ARM_SCOPE),
      "The token is not meant for this API",
    ],
    [
      "a token naming another issuer",
      () => forge({ iss: `${env.idp.authorityHost}/${randomUUID()}/v2.0` }),
      "The token was not issued by the configured tenant",
    ],
    [
      "a token whose tid is another tenant",
      () => forge({ tid: randomUUID() }),
      "The token was not issued by the configured tenant",
    ],
    [
      "an unsigned token (alg: none)",
      async () => unsigned({ iss: env.idp.issuer, aud: TEST_API_AUDIENCE }),
      "The token must be signed with RS256",
    ],
    [
      "an HS256 token keyed with the tenant's public key",
      () => forge({}, "HS256"),
      "The token must be signed with RS256",
    ],
    [
      "a genuine token from another tenant",
      () => clientCredentialsToken(env.idp.otherTenant.tenantId, env.idp.otherTenant.automationClient, API_SCOPE),
      "The token was not signed with the configured tenant's keys",
    ],
    [
      "a token whose signature was tampered with",
      async () => {
        const [header, , signature] = (await forge({})).split(".");
        const payload = Buffer.from(JSON.stringify({ iss: env.idp.issuer, roles: ["Portcullis.Admin"] })).toString(
          "base64url",
        );
        return `${header}.${payload}.${signature}`;
      },
      "The token signature is invalid",
    ],
    ["garbage", async () => "not-a-jwt", "The token is malformed"],
  ])("%s", async (_case, token, reason) => {
    const value = await token();
    const error = await rejection(`Bearer ${value}`);

    expect(error.code).toBe("unauthenticated");
    expect(error.message).toBe(reason);
    expect(error.details).toEqual({ error: "invalid_token" });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(value);
  });
});

describe("bearer validation when the tenant cannot be trusted or reached", () => {
  it("answers 503, not 401, when the tenant's keys cannot be loaded", async () => {
    const unreachable = resolveEntraConfig({ ...env.config, authorityHost: "https://localhost:1" });
    const error = await createBearerTokenValidator(unreachable)
      .authenticate(`Bearer ${await forge({})}`)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "unavailable" });
  });

  it("refuses a discovery document that names another issuer than the configured one", async () => {
    // Same server, reached by IP: its discovery document says https://localhost:…, not this.
    const byIp = resolveEntraConfig({
      ...env.config,
      authorityHost: env.idp.authorityHost.replace("localhost", "127.0.0.1"),
    });
    const error = await createBearerTokenValidator(byIp)
      .authenticate(`Bearer ${await forge({})}`)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "config" });
  });
});

describe("ID tokens are refused by their type, whatever claims they carry", () => {
  const idToken = (overrides: JWTPayload = {}) =>
    forge({
      // What Entra puts in a v2.0 ID token for the web app: its client id as audience, the
      // sign-in's nonce and the user's app roles; no azpacr (that is an access token's).
      aud: env.config.clientId,
      oid: randomUUID(),
      idtyp: undefined,
      azpacr: undefined,
      nonce: "n-0S6_WzA2Mj",
      at_hash: "77QmUPtjPfzWtF2AnpK9RQ",
      roles: ["Portcullis.Admin"],
      ...overrides,
    });

  it("the sandbox provider's own ID token of a signed-in admin", async () => {
    const msal = msalFor(env.idp.tenantId, env.idp.webClient);
    const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
    const nonce = randomUUID();
    const authorizationUrl = await msal.getAuthCodeUrl({
      scopes: [],
      nonce,
      redirectUri: TEST_REDIRECT_URI,
      codeChallenge: challenge,
      codeChallengeMethod: "S256",
    });
    const admin = env.idp.users.find((user) => user.username === "admin")!;
    const callback = await signInThroughForm(authorizationUrl, admin, TEST_REDIRECT_URI);
    const result = await msal.acquireTokenByCode({
      code: callback.get("code") ?? "",
      scopes: [],
      nonce,
      redirectUri: TEST_REDIRECT_URI,
      codeVerifier: verifier,
    });

    expect((await rejection(`Bearer ${result.idToken}`)).message).toMatch(/^The token is an ID token/);
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    [
      "an ID token that also names the calling application (azp)",
      () => idToken({ azp: env.config.clientId }),
      /^The token is an ID token/,
    ],
    [
      "an ID token without a nonce",
      () => idToken({ azp: env.config.clientId, nonce: undefined }),
      /^The token is an ID token/,
    ],
    [
      "a token typed for something else (typ: logout+jwt)",
      () => forge({}, "RS256", "logout+jwt"),
      /^The token is not an access token \(typ logout\+jwt\)/,
    ],
    [
      "a v2.0 token that does not say how its client authenticated (no azpacr)",
      () => forge({ azpacr: undefined }),
      /^The token is not an access token/,
    ],
    [
      "a v1.0 token without appidacr",
      () => forge({ ver: "1.0", azp: undefined, azpacr: undefined, appid: home.automationClient.clientId }),
      /^The token is not an access token/,
    ],
  ])("%s", async (_case, token, reason) => {
    const error = await rejection(`Bearer ${await token()}`);
    expect(error.code).toBe("unauthenticated");
    expect(error.message).toMatch(reason);
    expect(error.details).toEqual({ error: "invalid_token" });
  });

  it("still accepts access tokens: RFC 9068 typed ones, and Entra v1.0 ones with appidacr", async () => {
    expect(
      await validator.authenticate(`Bearer ${await forge({ azpacr: undefined }, "RS256", "at+jwt")}`),
    ).toMatchObject({
      kind: "app",
    });
    const v1 = await forge({
      ver: "1.0",
      azp: undefined,
      azpacr: undefined,
      appid: home.automationClient.clientId,
      appidacr: "1",
    });
    expect(await validator.authenticate(`Bearer ${v1}`)).toMatchObject({ kind: "app" });
  });
});
