/**
 * The issuers of a Microsoft Entra tenant's tokens. The access token reference: `iss` "identifies
 * the STS that constructs and returns the token, and the Microsoft Entra tenant … If the token
 * issued is a v2.0 token (see the ver claim), the URI ends in /v2.0"; v1.0 tokens come from
 * `https://sts.windows.net/{tenant}/`, v2.0 tokens from `https://login.microsoftonline.com/{tenant}/v2.0`.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * The v1.0 and v2.0 issuers of tenant `tenantId`, or undefined when it is a domain name (its
 * tenant id, which the issuers hold, cannot be known from the policy).
 */
export function entraIssuers(tenantId: string, authorityHost = PUBLIC_AUTHORITY_HOST): string[] | undefined {
  if (!isGuid(tenantId)) return undefined;
  const tenant = tenantId.toLowerCase();
  const host = authorityHost.replace(/\/+$/, "");
  // v1.0 tokens come from sts.windows.net in the public cloud only.
  return host === PUBLIC_AUTHORITY_HOST
    ? [`https://sts.windows.net/${tenant}/`, `${host}/${tenant}/v2.0`]
    : [`${host}/${tenant}/v2.0`];
}

export const PUBLIC_AUTHORITY_HOST = "https://login.microsoftonline.com";
