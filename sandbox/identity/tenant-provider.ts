import { randomBytes } from "node:crypto";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";
import { autoConsent } from "./auto-consent";
import { clientInfoMiddleware } from "./client-info";
import { extraTokenClaimsFor, findAccountIn, type SandboxRoleNames } from "./entra-claims";
import { defaultResourceFor, resourceServerInfoFor } from "./entra-resources";
import type { SandboxTenant } from "./identity-state";
import { PAGE_HEADERS, errorPage, logoutPage, signedOutPage } from "./pages";

export interface TenantProviderOptions {
  tenant: SandboxTenant;
  /** `https://host:port/{tenantId}/v2.0`, Entra's v2 issuer shape. */
  issuer: string;
  apiAudience: string;
  /** App ID URI of the LLM APIs behind the gateway: the `aud` caller clients ask for. */
  llmApiAudience: string;
  roleNames: SandboxRoleNames;
  appRedirectUris: string[];
  postLogoutRedirectUris: string[];
}

/**
 * Entra's endpoint paths below `/{tenantId}`. The provider is mounted at `/{tenantId}` (see
 * start-sandbox-identity-provider.ts), so these resolve to e.g. `/{tid}/oauth2/v2.0/token`.
 */
const ROUTES = {
  authorization: "/oauth2/v2.0/authorize",
  token: "/oauth2/v2.0/token",
  end_session: "/oauth2/v2.0/logout",
  jwks: "/discovery/v2.0/keys",
  userinfo: "/oidc/userinfo",
};

const HOUR = 60 * 60;

function sendPage(ctx: KoaContextWithOIDC, html: string): void {
  ctx.set(PAGE_HEADERS);
  ctx.body = html;
}

/** One tenant of the sandbox: an oidc-provider instance configured to behave like Entra ID. */
export function createTenantProvider(options: TenantProviderOptions): Provider {
  const { tenant, roleNames } = options;
  const audiences = { apiAudience: options.apiAudience, llmApiAudience: options.llmApiAudience };
  // Cookie names carry the tenant so two tenants on one host never overwrite each other.
  const cookieSuffix = tenant.tenantId.slice(0, 8);

  const provider = new Provider(options.issuer, {
    clients: [
      {
        client_id: tenant.webClient.clientId,
        client_secret: tenant.webClient.clientSecret,
        client_name: "Portcullis",
        redirect_uris: options.appRedirectUris,
        post_logout_redirect_uris: options.postLogoutRedirectUris,
        response_types: ["code"],
        // The web app signs users in and may also call ARM as itself.
        grant_types: ["authorization_code", "client_credentials"],
        // MSAL (and so @azure/identity) sends the secret in the body.
        token_endpoint_auth_method: "client_secret_post",
      },
      ...[tenant.automationClient, tenant.secondAutomationClient].map((client, index) => ({
        client_id: client.clientId,
        client_secret: client.clientSecret,
        client_name: index === 0 ? "Portcullis automation" : "Portcullis automation 2",
        redirect_uris: [],
        response_types: [],
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_post" as const,
      })),
      // Applications that call the LLM APIs through the gateway; not Portcullis users.
      ...tenant.callerClients.map((caller) => ({
        client_id: caller.clientId,
        client_secret: caller.clientSecret,
        client_name: caller.displayName,
        redirect_uris: [],
        response_types: [],
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_post" as const,
      })),
    ],
    jwks: { keys: [tenant.signingKey] },
    // Cookie signing keys live only as long as the process: a restart signs everyone out of
    // the sandbox provider, which is harmless, and there is nothing to persist or leak.
    cookies: {
      keys: [randomBytes(32).toString("base64url")],
      names: {
        session: `_session.${cookieSuffix}`,
        interaction: `_interaction.${cookieSuffix}`,
        resume: `_interaction_resume.${cookieSuffix}`,
      },
    },
    routes: ROUTES,
    scopes: ["openid", "profile", "offline_access"],
    claims: { openid: ["sub", "oid", "tid", "ver", "roles"], profile: ["name", "preferred_username"] },
    // Entra puts the profile claims in the ID token itself; by default oidc-provider would
    // keep them for the userinfo endpoint when an access token is issued too.
    conformIdTokenClaims: false,
    findAccount: findAccountIn(tenant, roleNames),
    extraTokenClaims: extraTokenClaimsFor(tenant, roleNames, audiences),
    loadExistingGrant: autoConsent,
    // Authorization code only (Entra also offers hybrid and implicit; Portcullis uses neither).
    responseTypes: ["code"],
    pkce: { required: () => true },
    interactions: { url: (_ctx, interaction) => `/${tenant.tenantId}/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: defaultResourceFor(audiences),
        getResourceServerInfo: resourceServerInfoFor(audiences),
        // The code exchange names no resource; the one chosen at /authorize applies.
        useGrantedResource: () => true,
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => sendPage(ctx, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => sendPage(ctx, signedOutPage()),
      },
      // Entra offers neither; switching them off keeps the discovery document honest.
      dPoP: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
    },
    renderError: (ctx, out) =>
      sendPage(ctx, errorPage("Sign-in failed", String(out.error_description ?? out.error ?? "unknown error"))),
    clientBasedCORS: () => false,
    ttl: {
      AccessToken: HOUR,
      ClientCredentials: HOUR,
      IdToken: HOUR,
      AuthorizationCode: 60,
      Interaction: 10 * 60,
      Session: 8 * HOUR,
      Grant: 8 * HOUR,
    },
  });
  provider.use(clientInfoMiddleware(tenant));
  return provider;
}
