import type { AccessToken, Account, ClientCredentials, FindAccount } from "oidc-provider";
import { findSandboxResource, type SandboxAudiences } from "./entra-resources";
import type { SandboxRoleKey, SandboxTenant, SandboxUser } from "./identity-state";

/** The Microsoft Graph application permission that reads service principals. */
export const GRAPH_READ_APPLICATIONS = "Application.Read.All";

/**
 * The claims Entra puts in its v2.0 tokens, so the app reads exactly what it reads in
 * production: `oid` (the stable object id, not `sub`), `tid`, `name`, `preferred_username`,
 * `roles` (app roles, omitted when there are none, as Entra does) and `ver`. App-only tokens
 * carry `azp`/`appid` and `idtyp: "app"` instead of a user.
 */

export type SandboxRoleNames = Record<SandboxRoleKey, string>;

function userRoles(user: SandboxUser, roleNames: SandboxRoleNames): { roles?: string[] } {
  return user.role ? { roles: [roleNames[user.role]] } : {};
}

/** `findAccount`: the ID token's claims for a sandbox user (the `openid` and `profile` scopes). */
export function findAccountIn(tenant: SandboxTenant, roleNames: SandboxRoleNames): FindAccount {
  return (_ctx, sub): Account | undefined => {
    const user = tenant.users.find((candidate) => candidate.sub === sub);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      claims: () => ({
        sub: user.sub,
        oid: user.oid,
        tid: tenant.tenantId,
        name: user.displayName,
        preferred_username: user.username,
        ver: "2.0",
        ...userRoles(user, roleNames),
      }),
    };
  };
}

/** `extraTokenClaims`: the Entra claims of a JWT access token, for a user or for an app. */
export function extraTokenClaimsFor(tenant: SandboxTenant, roleNames: SandboxRoleNames, audiences: SandboxAudiences) {
  return (_ctx: unknown, token: AccessToken | ClientCredentials): Record<string, unknown> => {
    const resource = findSandboxResource(audiences, token.resourceServer?.audience);
    const common = { tid: tenant.tenantId, azp: token.clientId, ver: "2.0", nbf: Math.floor(Date.now() / 1000) };

    if (token.kind === "ClientCredentials") {
      const client = [
        tenant.webClient,
        tenant.automationClient,
        tenant.secondAutomationClient,
        ...tenant.callerClients,
      ].find((c) => c.clientId === token.clientId);
      return {
        ...common,
        oid: client?.objectId,
        appid: token.clientId,
        idtyp: "app",
        ...appRolesOf(tenant, client?.clientId, resource?.appRoles, roleNames),
      };
    }

    const user = tenant.users.find((candidate) => candidate.sub === (token as AccessToken).accountId);
    if (!user) return common;
    return {
      ...common,
      oid: user.oid,
      name: user.displayName,
      preferred_username: user.username,
      scp: resource?.delegatedScope,
      ...(resource?.appRoles === "portcullis" ? userRoles(user, roleNames) : {}),
    };
  };
}

/**
 * An app's roles on the API a token is for: the automation clients hold Portcullis's admin
 * role, each caller client its own roles on the LLM APIs, the web app Graph's
 * Application.Read.All; Entra omits `roles` when empty.
 */
function appRolesOf(
  tenant: SandboxTenant,
  clientId: string | undefined,
  appRoles: "portcullis" | "llm" | "graph" | null | undefined,
  roleNames: SandboxRoleNames,
): { roles?: string[] } {
  const automation = [tenant.automationClient.clientId, tenant.secondAutomationClient.clientId];
  if (appRoles === "portcullis" && clientId !== undefined && automation.includes(clientId))
    return { roles: [roleNames.admin] };
  // Portcullis's app registration was granted Application.Read.All, to name client applications.
  if (appRoles === "graph") return clientId === tenant.webClient.clientId ? { roles: [GRAPH_READ_APPLICATIONS] } : {};
  if (appRoles !== "llm") return {};
  const roles = tenant.callerClients.find((caller) => caller.clientId === clientId)?.roles ?? [];
  return roles.length > 0 ? { roles } : {};
}
