import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type Provider from "oidc-provider";
import { SANDBOX_LLM_API_AUDIENCE } from "../sandbox-coordinates";
import type { SandboxRoleNames } from "./entra-claims";
import { loadOrCreateIdentityState, type SandboxTenant } from "./identity-state";
import { graphServicePrincipals } from "./graph-service-principals";
import { handleInteraction } from "./interaction-handler";
import { managedIdentityTokenIssuer, type ManagedIdentityTokenRequest } from "./managed-identity-tokens";
import { createTenantProvider } from "./tenant-provider";
import { closeServer, listenOn } from "../http/listening-server";

export interface StartSandboxIdentityProviderOptions {
  /** Where client secrets, passwords and signing keys persist (`sandbox-identity.json`). */
  dataDir: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Address to listen on; the URLs always say `localhost`, which the certificate names. */
  host?: string;
  /** Server key and certificate from `ensureSandboxTls`. */
  tls: { keyPem: string; certPem: string };
  /** The web app's redirect URIs; passed in because tests run the app on random ports. */
  appRedirectUris: string[];
  postLogoutRedirectUris: string[];
  /** App ID URI of the app's API, e.g. `api://portcullis-sandbox`: the `aud` of its tokens. */
  apiAudience: string;
  /** App ID URI of the LLM APIs behind the gateway; `SANDBOX_LLM_API_AUDIENCE` by default. */
  llmApiAudience?: string;
  roleNames: SandboxRoleNames;
}

export interface SandboxClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface SandboxTenantInfo {
  tenantId: string;
  /** `{authorityHost}/{tenantId}/v2.0`. */
  issuer: string;
  /** The Portcullis web app: authorization code + PKCE, and client credentials. */
  webClient: SandboxClientCredentials;
  /** Client credentials only; its tokens for the app's API carry the admin role. */
  automationClient: SandboxClientCredentials;
  /** A second automation client with the same role: one pipeline's plan, another's approval. */
  secondAutomationClient: SandboxClientCredentials;
  users: { username: string; password: string; roles: string[] }[];
  /** Applications that call the LLM APIs (client credentials for `{llmApiAudience}/.default`). */
  callerClients: SandboxCallerClientInfo[];
}

export interface SandboxCallerClientInfo extends SandboxClientCredentials {
  displayName: string;
  /** The LLM APIs' app roles it holds (the `roles` claim of its tokens for them). */
  roles: string[];
}

export interface SandboxIdentityProvider extends SandboxTenantInfo {
  /** `https://localhost:{port}`: what AZURE_AUTHORITY_HOST / MSAL's authority host is set to. */
  authorityHost: string;
  /** A second tenant on the same server, for tokens that the app must refuse. */
  otherTenant: SandboxTenantInfo;
  /** App ID URI of the LLM APIs: the audience caller clients request. */
  llmApiAudience: string;
  /**
   * What Azure's managed identity endpoint does for APIM: a token of the home tenant for a
   * managed identity and a resource. In-process only (the gateway's internal path): nothing
   * outside the sandbox can obtain a managed identity's token.
   */
  managedIdentityToken(request: ManagedIdentityTokenRequest): Promise<{ token: string; expiresOn: number }>;
  close(): Promise<void>;
}

interface MountedTenant {
  tenant: SandboxTenant;
  provider: Provider;
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

/**
 * A local OpenID Connect provider (oidc-provider) over HTTPS that looks like Microsoft Entra
 * ID to MSAL and @azure/identity: authority `https://localhost:{port}/{tenantId}`, v2.0
 * issuer, discovery and endpoint paths, Entra-shaped claims and `.default` scopes.
 */
export async function startSandboxIdentityProvider(
  options: StartSandboxIdentityProviderOptions,
): Promise<SandboxIdentityProvider> {
  const state = await loadOrCreateIdentityState(options.dataDir);
  const llmApiAudience = options.llmApiAudience ?? SANDBOX_LLM_API_AUDIENCE;
  const tenants = new Map<string, MountedTenant>();
  // Like the tenants, Graph's stand-in needs the port for its issuer: set once it is known.
  const graph: { serve?: ReturnType<typeof graphServicePrincipals> } = {};

  const server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (req, res) => {
    route(tenants, graph.serve, req, res).catch(() => {
      // Details stay out of the response; oidc-provider reports its own errors itself.
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end("internal error");
    });
  });
  // The issuer contains the port, so the providers can only be built once it is known.
  const port = await listenOn(server, options.port, options.host);
  const authorityHost = `https://localhost:${port}`;
  const describe = (tenant: SandboxTenant): SandboxTenantInfo => {
    const issuer = `${authorityHost}/${tenant.tenantId}/v2.0`;
    const provider = createTenantProvider({ ...options, llmApiAudience, tenant, issuer });
    tenants.set(tenant.tenantId, { tenant, provider, handle: provider.callback() });
    return {
      tenantId: tenant.tenantId,
      issuer,
      webClient: credentials(tenant.webClient),
      automationClient: credentials(tenant.automationClient),
      secondAutomationClient: credentials(tenant.secondAutomationClient),
      users: tenant.users.map((user) => ({
        username: user.username,
        password: user.password,
        roles: user.role ? [options.roleNames[user.role]] : [],
      })),
      callerClients: tenant.callerClients.map(({ clientId, clientSecret, displayName, roles }) => ({
        clientId,
        clientSecret,
        displayName,
        roles,
      })),
    };
  };

  graph.serve = graphServicePrincipals(state.home, authorityHost);
  return {
    ...describe(state.home),
    authorityHost,
    otherTenant: describe(state.other),
    llmApiAudience,
    managedIdentityToken: managedIdentityTokenIssuer(state.home, authorityHost),
    close: () => closeServer(server),
  };
}

function credentials({ clientId, clientSecret }: SandboxClientCredentials): SandboxClientCredentials {
  return { clientId, clientSecret };
}

/**
 * `/v1.0/…` is the stand-in for Microsoft Graph. `/{tenantId}/…` goes to that tenant's provider, mounted at `/{tenantId}`: oidc-provider
 * derives its mount path from `originalUrl` minus `url`, and builds every endpoint URL in
 * discovery from it. Entra serves the v2.0 discovery document under `/{tenantId}/v2.0/`,
 * while oidc-provider serves it at its mount root, so that one path is rewritten.
 */
async function route(
  tenants: Map<string, MountedTenant>,
  graph: ReturnType<typeof graphServicePrincipals> | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "https://localhost");
  // Microsoft Graph's stand-in (graph-service-principals.ts), for the home tenant.
  if (url.pathname.startsWith("/v1.0/") && graph) return graph(req, res, url);
  const [, tenantId = "", ...rest] = url.pathname.split("/");
  const mounted = tenants.get(tenantId);
  if (!mounted) {
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "invalid_tenant", error_description: "No such tenant in the sandbox." }));
    return;
  }

  let path = `/${rest.join("/")}`;
  if (path.startsWith("/interaction/")) {
    await handleInteraction(mounted.provider, mounted.tenant, req, res, url.pathname);
    return;
  }
  if (path === "/v2.0/.well-known/openid-configuration") path = "/.well-known/openid-configuration";
  (req as IncomingMessage & { originalUrl?: string }).originalUrl = `/${tenantId}${path}${url.search}`;
  req.url = `${path}${url.search}`;
  mounted.handle(req, res);
}
