import { SignJWT, importJWK } from "jose";
import { entraIssuers } from "./entra-issuers";
import type { SandboxTenant } from "./identity-state";

/** A managed identity as Entra knows it: its service principal and its application (client) id. */
export interface ManagedIdentityTokenRequest {
  /** The identity's object (principal) id: the `oid` of its tokens. */
  principalId: string;
  /** Its application id: the `appid` of its tokens. */
  clientId: string;
  /** ARM id of the identity (the service for a system-assigned one): `xms_mirid`. */
  resourceId: string;
  /** The resource asked for, e.g. `https://cognitiveservices.azure.com`. */
  resource: string;
}

/** Entra's refusal of a resource it has no service principal for (AADSTS500011). */
export class UnknownResourceError extends Error {
  constructor(resource: string) {
    super(
      `AADSTS500011: The resource principal named ${resource} was not found in the tenant. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
    );
  }
}

/** Resources a managed identity can get sandbox tokens for; Azure knows them as first-party apps. */
const KNOWN_RESOURCES = [
  "https://cognitiveservices.azure.com",
  "https://management.azure.com",
  "https://vault.azure.net",
];

/** Managed identity tokens live 24 hours in Azure; APIM caches them until they expire. */
const LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * Issues managed identity tokens the way Azure does for a resource like Azure OpenAI: v1.0
 * access tokens (`ver` 1.0, the v1 issuer) whose audience is the resource as requested,
 * signed with the tenant's key and so verifiable through its published JWKS.
 */
export function managedIdentityTokenIssuer(tenant: SandboxTenant, authorityHost: string) {
  const key = importJWK(tenant.signingKey, "RS256");
  const issuer = entraIssuers(authorityHost, tenant.tenantId).v1;
  return async (request: ManagedIdentityTokenRequest): Promise<{ token: string; expiresOn: number }> => {
    if (!KNOWN_RESOURCES.includes(request.resource.replace(/\/+$/, "")))
      throw new UnknownResourceError(request.resource);
    const now = Math.floor(Date.now() / 1000);
    const expiresOn = now + LIFETIME_SECONDS;
    const token = await new SignJWT({
      appid: request.clientId,
      appidacr: "2",
      idp: issuer,
      idtyp: "app",
      oid: request.principalId,
      sub: request.principalId,
      tid: tenant.tenantId,
      ver: "1.0",
      xms_mirid: request.resourceId,
    })
      .setProtectedHeader({ alg: "RS256", kid: tenant.signingKey.kid, typ: "JWT" })
      .setIssuer(issuer)
      .setAudience(request.resource)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(expiresOn)
      .sign(await key);
    return { token, expiresOn: expiresOn * 1000 };
  };
}
