import { ClientSecretCredential, DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { decodeJwt } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import {
  TEST_API_AUDIENCE,
  startTestIdentityProvider,
  type TestIdentityProvider,
} from "../../test/support/identity/start-test-identity-provider";
import { createBearerTokenValidator } from "./bearer-token";
import { resolveEntraConfig, type EntraConfig } from "./entra-config";

// @azure/identity against the sandbox provider over HTTPS: the ARM token the app (and the
// APIM client) will present to the APIM simulator, and the SDK's environment-driven path.
let env: TestIdentityProvider;

const ARM_SCOPE = "https://management.azure.com/.default";
const AZURE_VARIABLES = [
  "AZURE_TENANT_ID",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_AUTHORITY_HOST",
  "AZURE_TOKEN_CREDENTIALS",
];

beforeAll(async () => {
  env = await startTestIdentityProvider(inject("sandboxTlsDir"));
});
afterAll(async () => {
  await env?.close();
});

/** Client credentials as an app registration uses them; instance discovery off for the sandbox's host. */
function appCredential(config: EntraConfig): TokenCredential {
  return new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, {
    authorityHost: config.authorityHost,
    disableInstanceDiscovery: !config.isMicrosoftHost,
  });
}

async function tokenClaims(credential: TokenCredential, scope: string) {
  const token = await credential.getToken(scope);
  if (!token) throw new Error("no token");
  expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now());
  return decodeJwt(token.token);
}

describe("ClientSecretCredential against the sandbox", () => {
  it("gets an ARM token for the web app: the audience the APIM simulator requires", async () => {
    const claims = await tokenClaims(appCredential(env.config), ARM_SCOPE);

    expect(claims).toMatchObject({
      aud: "https://management.azure.com/",
      iss: env.idp.issuer,
      tid: env.idp.tenantId,
      appid: env.idp.webClient.clientId,
      idtyp: "app",
    });
    expect(claims.roles).toBeUndefined();
  });

  it("gets the automation client a token for the app's API that the bearer validator accepts as admin", async () => {
    const automation = resolveEntraConfig({
      tenantId: env.idp.tenantId,
      ...env.idp.automationClient,
      authorityHost: env.idp.authorityHost,
    });
    const token = await appCredential(automation).getToken(`${TEST_API_AUDIENCE}/.default`);

    const identity = await createBearerTokenValidator(env.config).authenticate(`Bearer ${token?.token}`);

    expect(identity).toMatchObject({
      kind: "app",
      roles: ["Portcullis.Admin"],
      clientId: env.idp.automationClient.clientId,
    });
  });
});

describe("DefaultAzureCredential (EnvironmentCredential) against the sandbox", () => {
  const saved = Object.fromEntries(AZURE_VARIABLES.map((name) => [name, process.env[name]]));
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("gets an ARM token from AZURE_* variables when instance discovery is disabled", async () => {
    process.env.AZURE_TENANT_ID = env.idp.tenantId;
    process.env.AZURE_CLIENT_ID = env.idp.webClient.clientId;
    process.env.AZURE_CLIENT_SECRET = env.idp.webClient.clientSecret;
    process.env.AZURE_AUTHORITY_HOST = env.idp.authorityHost;
    // Only the environment credential: the developer-tool credentials would look for CLIs.
    process.env.AZURE_TOKEN_CREDENTIALS = "EnvironmentCredential";
    // Left on, instance discovery would ask login.microsoftonline.com to vouch for this host.
    const claims = await tokenClaims(new DefaultAzureCredential({ disableInstanceDiscovery: true }), ARM_SCOPE);

    expect(claims).toMatchObject({ aud: "https://management.azure.com/", appid: env.idp.webClient.clientId });
  });
});
