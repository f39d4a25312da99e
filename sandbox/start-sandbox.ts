import path from "node:path";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startApimSimulator, type ApimSimulatorOptions } from "./apim/start-apim-simulator";
import { startSandboxIdentityProvider, type SandboxIdentityProvider } from "./identity/start-sandbox-identity-provider";
import { ARM_AUDIENCE, SANDBOX_API_AUDIENCE, type SandboxCoordinates } from "./sandbox-coordinates";
import { ensureSandboxTls } from "./tls/ensure-sandbox-tls";

export interface StartSandboxOptions {
  dataDir: string;
  appUrl: string;
  identityPort: number;
  armPort: number;
  roleNames: { admin: string; reviewer: string; reader: string };
  /** Where the CA lives; defaults to `{dataDir}/sandbox/tls` (tests pass their run's CA). */
  tlsDir?: string;
  /** Simulator settings for tests and benchmarks (fast long-running operations, page size). */
  simulator?: Pick<ApimSimulatorOptions, "lro" | "pageSize">;
}

export interface RunningSandbox {
  coordinates: SandboxCoordinates;
  identityProvider: SandboxIdentityProvider;
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
  const identityProvider = await startSandboxIdentityProvider({
    dataDir: path.join(options.dataDir, "sandbox"),
    port: options.identityPort,
    tls,
    appRedirectUris: [`${options.appUrl}/auth/callback`],
    postLogoutRedirectUris: [`${options.appUrl}/signin`],
    apiAudience: SANDBOX_API_AUDIENCE,
    roleNames: options.roleNames,
  });
  try {
    const keys = createRemoteJWKSet(
      new URL(`${identityProvider.authorityHost}/${identityProvider.tenantId}/discovery/v2.0/keys`),
    );
    const simulator = await startApimSimulator({
      dataDir: path.join(options.dataDir, "sandbox", "apim"),
      port: options.armPort,
      tls: { key: tls.keyPem, cert: tls.certPem },
      ...options.simulator,
      async authenticate(authorization) {
        const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
        if (!token) throw new Error("a bearer token is required");
        await jwtVerify(token, keys, {
          algorithms: ["RS256"],
          issuer: identityProvider.issuer,
          audience: ARM_AUDIENCE,
        });
      },
    });
    const coordinates: SandboxCoordinates = {
      appUrl: options.appUrl,
      issuer: identityProvider.issuer,
      authorityHost: identityProvider.authorityHost,
      tenantId: identityProvider.tenantId,
      apiAudience: SANDBOX_API_AUDIENCE,
      caCertPath: tls.caCertPath,
      webClient: identityProvider.webClient,
      automationClient: identityProvider.automationClient,
      users: identityProvider.users,
      armEndpoint: simulator.armEndpoint,
      subscriptionId: simulator.subscriptionId,
      resourceGroup: simulator.resourceGroup,
      serviceName: simulator.serviceName,
    };
    return {
      coordinates,
      identityProvider,
      async close() {
        await simulator.close();
        await identityProvider.close();
      },
    };
  } catch (error) {
    await identityProvider.close();
    throw error;
  }
}
