import { z } from "zod";
import { AppError } from "../errors";

/**
 * Everything derived from the app registration's coordinates that sign-in and bearer-token
 * validation pin against. Pure: the caller reads the environment and passes the values in,
 * so the same code serves Entra ID and the sandbox identity provider.
 */

const MICROSOFT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/**
 * Entra's sign-in hosts (public and national clouds). MSAL ships their metadata and instance
 * discovery; any other host (the sandbox) must be declared to MSAL as a known authority.
 */
const MICROSOFT_HOSTS = new Set([
  "login.microsoftonline.com",
  "login.microsoftonline.us",
  "login.chinacloudapi.cn",
  "login.partner.microsoftonline.cn",
]);

const entraConfigInputSchema = z.object({
  tenantId: z.guid("must be the directory (tenant) id, a GUID").transform((id) => id.toLowerCase()),
  clientId: z.guid("must be the application (client) id, a GUID").transform((id) => id.toLowerCase()),
  clientSecret: z.string().min(1, "is required"),
  authorityHost: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    .refine((value) => {
      const url = new URL(value);
      return (url.pathname === "/" || url.pathname === "") && !url.search && !url.hash;
    }, "must be just scheme, host and port, e.g. https://login.microsoftonline.com")
    .transform((value) => new URL(value).origin)
    .default(MICROSOFT_AUTHORITY_HOST),
  /** App ID URI of the app's exposed API; Entra's default is `api://{clientId}`. */
  apiAudience: z.string().trim().min(1, "must not be empty").optional(),
});

export type EntraConfigInput = z.input<typeof entraConfigInputSchema>;

export interface EntraConfig {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Origin only, e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** `{authorityHost}/{tenantId}`: single-tenant, never `common` or `organizations`. */
  authority: string;
  /** True for Entra's own hosts; false for the sandbox (or any other stand-in). */
  isMicrosoftHost: boolean;
  apiAudience: string;
  /** Discovery document; it names the JWKS location (`jwks_uri`) and the logout endpoint. */
  openIdConfigurationUrl: string;
  /** The v2.0 issuer, and on Entra's public cloud also the v1.0 one (`sts.windows.net`). */
  acceptedIssuers: readonly string[];
  /** App ID URI and client id: v1.0 tokens carry the former, v2.0 tokens the latter. */
  acceptedAudiences: readonly string[];
}

/** Validates the coordinates and derives the rest; throws AppError("config") naming each bad field. */
export function resolveEntraConfig(input: EntraConfigInput): EntraConfig {
  const parsed = entraConfigInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new AppError("config", "The Entra ID configuration is invalid", {
      fields: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  const { tenantId, clientId, clientSecret, authorityHost } = parsed.data;
  const apiAudience = parsed.data.apiAudience ?? `api://${clientId}`;
  const authority = `${authorityHost}/${tenantId}`;
  const isMicrosoftHost = MICROSOFT_HOSTS.has(new URL(authorityHost).host);
  // v1.0 tokens (an API whose accessTokenAcceptedVersion is unset) are issued by
  // sts.windows.net, but only in the public cloud; nowhere else is that issuer trusted.
  const v1Issuers = authorityHost === MICROSOFT_AUTHORITY_HOST ? [`https://sts.windows.net/${tenantId}/`] : [];
  return {
    tenantId,
    clientId,
    clientSecret,
    authorityHost,
    authority,
    isMicrosoftHost,
    apiAudience,
    openIdConfigurationUrl: `${authority}/v2.0/.well-known/openid-configuration`,
    acceptedIssuers: [`${authority}/v2.0`, ...v1Issuers],
    acceptedAudiences: [...new Set([apiAudience, clientId])],
  };
}
