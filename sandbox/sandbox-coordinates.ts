/**
 * What the sandbox tells the app and the people trying it: written to `.data/sandbox.json`
 * at start and passed to the web server as the same environment variables real Azure uses.
 */
export interface SandboxCoordinates {
  appUrl: string;
  issuer: string;
  authorityHost: string;
  tenantId: string;
  apiAudience: string;
  caCertPath: string;
  webClient: { clientId: string; clientSecret: string };
  automationClient: { clientId: string; clientSecret: string };
  /** A second automation client (admin role too): four-eyes over REST needs two callers. */
  secondAutomationClient: { clientId: string; clientSecret: string };
  users: Array<{ username: string; password: string; roles: string[] }>;
  armEndpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** Services the simulator serves beside serviceName, same subscription and resource group (a production stand-in, to try promotion). */
  moreServices: string[];
  /** The simulated service's gateway: the LLM APIs are called here. */
  gatewayUrl: string;
  /** The audience caller clients ask tokens for (`{llmApiAudience}/.default`). */
  llmApiAudience: string;
  /** Applications that may call the LLM APIs (client credentials); not Portcullis users. */
  callerClients: Array<{ clientId: string; clientSecret: string; displayName: string; roles: string[] }>;
  /** The identity provider's stand-in for Microsoft Graph (`/v1.0/servicePrincipals`): client application names. */
  graphEndpoint: string;
  /** The sandbox model backend behind the gateway (its `/_sandbox/model/…` controls). */
  modelEndpoint: string;
}

export const SANDBOX_API_AUDIENCE = "api://portcullis-sandbox";
/** App ID URI of the app registration that stands for the LLM APIs behind the sandbox gateway. */
export const SANDBOX_LLM_API_AUDIENCE = "api://portcullis-sandbox-llm";
export const ARM_AUDIENCE = "https://management.azure.com/";
/** Microsoft Graph's audience; the sandbox identity provider serves a stand-in for it (service principals). */
export const MICROSOFT_GRAPH_AUDIENCE = "https://graph.microsoft.com";
/**
 * An app registration that exposes no API and that nothing accepts tokens for: verification's
 * wrong-audience probes use tokens for it, which are valid nowhere (VERIFY_WRONG_AUDIENCE).
 */
export const SANDBOX_PROBE_ONLY_AUDIENCE = "api://portcullis-sandbox-probe-only";

/**
 * The environment that makes the app use the sandbox as its Entra ID (and, through
 * DefaultAzureCredential, as the issuer of its ARM tokens): the same variables real Azure uses.
 */
export function sandboxAppEnvironment(c: SandboxCoordinates): Record<string, string> {
  return {
    AZURE_TENANT_ID: c.tenantId,
    AZURE_CLIENT_ID: c.webClient.clientId,
    AZURE_CLIENT_SECRET: c.webClient.clientSecret,
    AZURE_AUTHORITY_HOST: c.authorityHost,
    API_AUDIENCE: c.apiAudience,
    // The one ARM endpoint beyond Azure's clouds that the app may send its ARM token to.
    SANDBOX_ARM_ENDPOINT: c.armEndpoint,
    PORTCULLIS_SANDBOX: "1",
    VERIFY_WRONG_AUDIENCE: SANDBOX_PROBE_ONLY_AUDIENCE,
    // Client application names are looked up there, as in Microsoft Graph (GRAPH_LOOKUP).
    SANDBOX_GRAPH_ENDPOINT: c.graphEndpoint,
    // The sandbox gateway is on localhost: an instance's gateway URL may name it.
    VERIFY_GATEWAYS_ALLOWED: new URL(c.gatewayUrl).origin,
    // Verification proves allowed callers get in with these applications' tokens.
    SANDBOX_CALLER_CLIENTS: JSON.stringify(
      c.callerClients.map(({ clientId, clientSecret, displayName }) => ({ clientId, clientSecret, displayName })),
    ),
  };
}
