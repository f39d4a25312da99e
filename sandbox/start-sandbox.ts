import path from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startApimSimulator, type ApimSimulator, type ApimSimulatorOptions } from "./apim/start-apim-simulator";
import { sandboxServiceIdentity } from "./apim/seed/service-identity";
import { simulatorCatalog } from "./gateway/simulator-catalog";
import { startSandboxGateway, type SandboxGateway } from "./gateway/start-sandbox-gateway";
import { entraIssuers } from "./identity/entra-issuers";
import { rememberVerifiedTokens } from "./identity/remember-verified-tokens";
import { startSandboxIdentityProvider, type SandboxIdentityProvider } from "./identity/start-sandbox-identity-provider";
import { sandboxModelAccounts } from "./model/model-accounts";
import { startSandboxModel } from "./model/start-sandbox-model";
import { ARM_AUDIENCE, SANDBOX_API_AUDIENCE, type SandboxCoordinates } from "./sandbox-coordinates";
import { ensureSandboxTls } from "./tls/ensure-sandbox-tls";

export interface StartSandboxOptions {
  dataDir: string;
  appUrl: string;
  identityPort: number;
  armPort: number;
  /** The gateway of the simulated service (PORT+3 under `npm start`); a free port unless given. */
  gatewayPort?: number;
  /** The model backend behind the gateway; a free port unless given. */
  modelPort?: number;
  roleNames: { admin: string; reviewer: string; reader: string };
  /** Where the CA lives; defaults to `{dataDir}/sandbox/tls` (tests pass their run's CA). */
  tlsDir?: string;
  /** Simulator settings for tests and benchmarks (fast long-running operations, page size, no further services). */
  simulator?: Pick<ApimSimulatorOptions, "lro" | "pageSize" | "moreServices">;
}

/** The service the sandbox serves beside the first, standing for a production instance. */
export const SANDBOX_PRODUCTION_SERVICE = "portcullis-sandbox-apim-prod";

export interface RunningSandbox {
  coordinates: SandboxCoordinates;
  identityProvider: SandboxIdentityProvider;
  simulator: ApimSimulator;
  gateway: SandboxGateway;
  close(): Promise<void>;
}

/**
 * Starts the local identity provider and the APIM simulator over HTTPS with the sandbox CA.
 * The simulator accepts only the identity provider's ARM tokens, as Azure accepts only
 * Entra's. The caller's process must already trust the CA (NODE_EXTRA_CA_CERTS) because the
 * simulator fetches the provider's signing keys over HTTPS.
 */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const tls = await ensureSandboxTls(options.tlsDir ?? path.join(options.dataDir, "sandbox", "tls"));
  // Closed in reverse order of starting, on failure as on close().
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  const identityProvider = await startSandboxIdentityProvider({
    dataDir: path.join(options.dataDir, "sandbox"),
    port: options.identityPort,
    tls,
    appRedirectUris: [`${options.appUrl}/auth/callback`],
    postLogoutRedirectUris: [`${options.appUrl}/signin`],
    apiAudience: SANDBOX_API_AUDIENCE,
    roleNames: options.roleNames,
  });
  closers.push(() => identityProvider.close());
  try {
    const keys = createRemoteJWKSet(
      new URL(`${identityProvider.authorityHost}/${identityProvider.tenantId}/discovery/v2.0/keys`),
    );
    const verifyArmToken = rememberVerifiedTokens(
      async (token) =>
        (
          await jwtVerify(token, keys, {
            algorithms: ["RS256"],
            issuer: identityProvider.issuer,
            audience: ARM_AUDIENCE,
          })
        ).payload,
    );
    const firstCaller = identityProvider.callerClients[0];
    if (!firstCaller) throw new Error("the sandbox identity provider has no caller client");
    const simulator = await startApimSimulator({
      dataDir: path.join(options.dataDir, "sandbox", "apim"),
      port: options.armPort,
      tls: { key: tls.keyPem, cert: tls.certPem },
      // The service's identities belong to the sandbox tenant, whose identity provider issues their tokens.
      identity: { ...sandboxServiceIdentity, tenantId: identityProvider.tenantId },
      sandboxIdentity: {
        tenantId: identityProvider.tenantId,
        callerClientId: firstCaller.clientId,
        llmApiAudience: identityProvider.llmApiAudience,
      },
      // A second service stands for production, so promotion can be tried from one to the other.
      moreServices: [SANDBOX_PRODUCTION_SERVICE],
      ...options.simulator,
      async authenticate(authorization) {
        const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
        if (!token) throw new Error("a bearer token is required");
        await verifyArmToken(token);
      },
    });
    closers.push(() => simulator.close());
    const { state } = simulator.store;
    const issuers = entraIssuers(identityProvider.authorityHost, identityProvider.tenantId);
    const model = await startSandboxModel({
      dataDir: path.join(options.dataDir, "sandbox", "model"),
      port: options.modelPort ?? 0,
      tls,
      accounts: sandboxModelAccounts(simulator.subscriptionId, simulator.resourceGroup),
      credentials: {
        signingKeys: keys,
        issuers: [issuers.v1, issuers.v2],
        roleAssignments: () => state.roleAssignments.list(),
        namedValuesHolding: (value) =>
          state.namedValues
            .list()
            .filter((record) => record.value === value)
            .map((record) => record.displayName),
      },
    });
    closers.push(() => model.close());
    const gateway = await startSandboxGateway({
      port: options.gatewayPort ?? 0,
      tls,
      catalog: simulatorCatalog(simulator.store),
      authorityHost: identityProvider.authorityHost,
      modelEndpoint: model.endpoint,
      managedIdentityToken: identityProvider.managedIdentityToken,
    });
    closers.push(() => gateway.close());
    simulator.setGatewayUrl(gateway.gatewayUrl);
    const coordinates: SandboxCoordinates = {
      appUrl: options.appUrl,
      issuer: identityProvider.issuer,
      authorityHost: identityProvider.authorityHost,
      tenantId: identityProvider.tenantId,
      apiAudience: SANDBOX_API_AUDIENCE,
      caCertPath: tls.caCertPath,
      webClient: identityProvider.webClient,
      automationClient: identityProvider.automationClient,
      secondAutomationClient: identityProvider.secondAutomationClient,
      users: identityProvider.users,
      armEndpoint: simulator.armEndpoint,
      subscriptionId: simulator.subscriptionId,
      resourceGroup: simulator.resourceGroup,
      serviceName: simulator.serviceName,
      moreServices: simulator.moreServices,
      gatewayUrl: gateway.gatewayUrl,
      llmApiAudience: identityProvider.llmApiAudience,
      callerClients: identityProvider.callerClients,
      graphEndpoint: identityProvider.authorityHost,
      modelEndpoint: model.endpoint,
    };
    return {
      coordinates,
      identityProvider,
      simulator,
      gateway,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
