/**
 * The two issuers Entra uses for one tenant: v1.0 tokens say `https://sts.windows.net/{tid}/`,
 * v2.0 tokens `https://login.microsoftonline.com/{tid}/v2.0`. The sandbox serves both from its
 * own authority host, so its v1.0 issuer is `{authorityHost}/{tid}/` and its v2.0 issuer
 * `{authorityHost}/{tid}/v2.0` (the one in its discovery document).
 */
export function entraIssuers(authorityHost: string, tenantId: string): { v1: string; v2: string } {
  return { v1: `${authorityHost}/${tenantId}/`, v2: `${authorityHost}/${tenantId}/v2.0` };
}
