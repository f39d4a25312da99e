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
  users: Array<{ username: string; password: string; roles: string[] }>;
  armEndpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
}

export const SANDBOX_API_AUDIENCE = "api://portcullis-sandbox";
export const ARM_AUDIENCE = "https://management.azure.com/";
