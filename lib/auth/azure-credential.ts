import { ClientSecretCredential, type TokenCredential } from "@azure/identity";
import type { EntraConfig } from "./entra-config";

/**
 * The app's own credential (client credentials), e.g. for ARM calls to API Management with
 * scope `https://management.azure.com/.default`. On Entra's hosts it is the SDK's default
 * configuration. For any other host (the sandbox) instance discovery is switched off: it asks
 * login.microsoftonline.com to vouch for the host, which fails for a private host, and with
 * it off @azure/identity declares the authority host to MSAL as a known authority instead.
 */
export function createAppCredential(config: EntraConfig): TokenCredential {
  return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: !config.isMicrosoftHost,
  });
}
