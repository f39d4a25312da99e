import { createPublicKey, randomUUID } from "node:crypto";
import path from "node:path";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { SignJWT, importJWK, type JWTPayload } from "jose";
import { loadOrCreateIdentityState } from "../../sandbox/identity/identity-state";
import type { SandboxCoordinates } from "../../sandbox/sandbox-coordinates";
import { resolveEntraConfig } from "../../lib/auth/entra-config";
import { msalConfiguration } from "../../lib/auth/msal-client";
import type { Role } from "../../lib/auth/permissions";
import { clientCredentialsToken } from "./client-credentials-token";

const ROLE_CLAIMS: Record<Role, string> = {
  admin: "Portcullis.Admin",
  reviewer: "Portcullis.Reviewer",
  reader: "Portcullis.Reader",
};

/**
 * Bearer tokens for REST tests. `automation()` is a real client-credentials token from the
 * sandbox provider, obtained with MSAL as automation would. `user(role)` and `forged(...)` are
 * signed with the provider's own key (read from its state file) to give a delegated token any
 * role, or a token that differs from a valid one in exactly one respect.
 */
export function testTokens(coordinates: () => SandboxCoordinates, sandboxDataDir: () => string) {
  const state = () => loadOrCreateIdentityState(path.join(sandboxDataDir(), "sandbox"));

  async function sign(
    overrides: JWTPayload,
    options: { algorithm?: "RS256" | "HS256"; tenant?: "home" | "other" } = {},
  ): Promise<string> {
    const c = coordinates();
    const tenant = (await state())[options.tenant ?? "home"];
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: c.issuer,
      aud: c.apiAudience,
      tid: c.tenantId,
      oid: randomUUID(),
      azp: c.webClient.clientId,
      // How the client authenticated: Entra puts it in every v2.0 access token, never in an ID token.
      azpacr: "1",
      scp: "access_as_user",
      name: "Test User",
      ver: "2.0",
      iat: now,
      nbf: now,
      exp: now + 600,
      ...overrides,
    };
    const payload = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
    const jwt = new SignJWT(payload).setProtectedHeader({
      alg: options.algorithm ?? "RS256",
      kid: tenant.signingKey.kid,
      typ: "JWT",
    });
    if ((options.algorithm ?? "RS256") === "RS256") return jwt.sign(await importJWK(tenant.signingKey, "RS256"));
    // The algorithm-confusion attack: the tenant's public key used as an HMAC secret.
    const { d: _private, ...publicJwk } = tenant.signingKey;
    return jwt.sign(
      new TextEncoder().encode(
        String(createPublicKey({ key: publicJwk, format: "jwk" }).export({ type: "spki", format: "pem" })),
      ),
    );
  }

  return {
    /** `second`: the sandbox's second automation client (another service principal, also admin). */
    async automation(which: "first" | "second" = "first"): Promise<string> {
      const c = coordinates();
      const client = which === "first" ? c.automationClient : c.secondAutomationClient;
      const msal = new ConfidentialClientApplication(
        msalConfiguration(resolveEntraConfig({ tenantId: c.tenantId, ...client, authorityHost: c.authorityHost })),
      );
      const result = await msal.acquireTokenByClientCredential({ scopes: [`${c.apiAudience}/.default`] });
      if (!result) throw new Error("MSAL returned no token");
      return result.accessToken;
    },
    user: (role: Role | "none", claims: JWTPayload = {}) =>
      sign({ roles: role === "none" ? [] : [ROLE_CLAIMS[role]], ...claims }),
    forged: sign,
    /** A genuinely signed token of the provider's second tenant. */
    otherTenant: async () => {
      const other = (await state()).other;
      return sign(
        {
          iss: `${coordinates().authorityHost}/${other.tenantId}/v2.0`,
          tid: other.tenantId,
          roles: [ROLE_CLAIMS.admin],
        },
        { tenant: "other" },
      );
    },
    /**
     * A real client-credentials token of the sandbox's caller client `index` for the LLM APIs'
     * audience, as a caller of the gateway gets one (what the seeded caller checks validate).
     */
    async caller(index = 0): Promise<string> {
      const c = coordinates();
      const client = c.callerClients[index];
      if (!client) throw new Error(`the sandbox has no caller client ${index}`);
      return clientCredentialsToken(c, client, `${c.llmApiAudience}/.default`);
    },
    unsigned(payload: JWTPayload): string {
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
      return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
    },
  };
}
