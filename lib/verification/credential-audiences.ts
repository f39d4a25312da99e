/**
 * Audiences Portcullis never asks a probe token for. A probe token travels to the gateway and, when
 * the API's policy passes the Authorization header on, to its backend, which whoever edits the API
 * chooses. The probe identity is Portcullis's own app registration, and in a client-secret
 * deployment the same credential Portcullis uses for ARM: a token for ARM would let its holder
 * change every APIM service Portcullis manages without approval or audit, one for Portcullis's own
 * API would be a bearer token for its REST API, and one for Graph, Key Vault, Storage or SQL would
 * carry whatever rights the identity has there. So a caller check whose audience names one of them
 * is not probed (a probe says why), however the audience is spelled: as a URL of the resource's host
 * or one below it, as its application id, or as `api://` of either. Pure.
 */

/** Hosts of Microsoft resources in every cloud (tokens for a host below one are refused too). */
const RESOURCE_HOSTS = [
  // Azure Resource Manager
  "management.azure.com",
  "management.core.windows.net",
  "management.usgovcloudapi.net",
  "management.core.usgovcloudapi.net",
  "management.chinacloudapi.cn",
  "management.core.chinacloudapi.cn",
  // Microsoft Graph and Azure AD Graph
  "graph.microsoft.com",
  "graph.microsoft.us",
  "dod-graph.microsoft.us",
  "microsoftgraph.chinacloudapi.cn",
  "graph.windows.net",
  "graph.chinacloudapi.cn",
  // Key Vault and Managed HSM
  "vault.azure.net",
  "vault.usgovcloudapi.net",
  "vault.azure.cn",
  "managedhsm.azure.net",
  "managedhsm.usgovcloudapi.net",
  "managedhsm.azure.cn",
  // Storage (the resource and each account's endpoints) and SQL
  "storage.azure.com",
  "core.windows.net",
  "core.usgovcloudapi.net",
  "core.chinacloudapi.cn",
  "database.windows.net",
  "database.usgovcloudapi.net",
  "database.chinacloudapi.cn",
] as const;

/** The same resources' application ids, which Entra takes as audiences too. */
const RESOURCE_APP_IDS = [
  "797f4846-ba00-4fd7-ba43-dac1f8f63013", // Azure Resource Manager
  "00000003-0000-0000-c000-000000000000", // Microsoft Graph
  "00000002-0000-0000-c000-000000000000", // Azure AD Graph
  "cfa8b339-82a2-471a-a3c9-0fc0be7a4093", // Key Vault
  "e406a681-f3d4-42a8-90b6-c2b029497af1", // Storage
  "022907d3-0f1b-48f7-badc-1ba6abab6d66", // Azure SQL
] as const;

/** `api://x/`, `API://X` and `x` name the same application. */
function bareAudience(audience: string): string {
  return audience
    .trim()
    .replace(/\/+$/, "")
    .replace(/^api:\/\//i, "")
    .toLowerCase();
}

/**
 * Why a token for `audience` would be a credential elsewhere; null when it would not. `own`:
 * Portcullis's own API's audiences (EntraConfig.acceptedAudiences). ARM needs no list of its own:
 * every ARM endpoint Portcullis calls gets a token of its cloud's ARM (lib/apim/arm-endpoints.ts).
 */
export function credentialAudienceProblem(audience: string, own: readonly string[]): string | null {
  const bare = bareAudience(audience);
  if (own.some((ownAudience) => bareAudience(ownAudience) === bare))
    return `${audience} is Portcullis's own API, whose REST API would accept such a token`;
  if ((RESOURCE_APP_IDS as readonly string[]).includes(bare))
    return `${audience} is the application id of a Microsoft resource where Portcullis's identity may hold rights`;
  const host = hostOf(audience);
  if (host !== null && RESOURCE_HOSTS.some((resource) => host === resource || host.endsWith(`.${resource}`)))
    return `${audience} is a Microsoft resource (ARM, Graph, Key Vault, Storage or SQL) where Portcullis's identity may hold rights`;
  return null;
}

function hostOf(audience: string): string | null {
  const text = audience.trim();
  if (!/^https?:\/\//i.test(text) || !URL.canParse(text)) return null;
  return new URL(text).hostname.replace(/\.$/, "");
}
