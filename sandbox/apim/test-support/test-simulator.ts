import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { ApiManagementClient } from "@azure/arm-apimanagement";
import type { TokenCredential } from "@azure/core-auth";
import { SignJWT, generateKeyPair, jwtVerify } from "jose";
import { inject } from "vitest";
import { ensureSandboxTls } from "../../tls/ensure-sandbox-tls";
import type { RequestLogEntry } from "../controls/request-log";
import { startApimSimulator, type ApimSimulator, type ApimSimulatorOptions } from "../start-apim-simulator";

/**
 * An APIM simulator for one integration test file: its own data directory, HTTPS with the
 * run's test CA (trusted by the worker through NODE_EXTRA_CA_CERTS, see
 * test/setup/sandbox-tls.ts), and bearer tokens signed with a throw-away jose key for the
 * ARM audience. Offers the real SDK client and raw requests for what the SDK hides.
 */
export const armAudience = "https://management.azure.com/";

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** null sends no api-version. */
  apiVersion?: string | null;
  /** The bearer token; null sends no Authorization header. */
  token?: string | null;
}

export interface TestSimulator {
  simulator: ApimSimulator;
  dataDir: string;
  /** A valid bearer token for the ARM audience. */
  token: string;
  credential: TokenCredential;
  /** The production SDK client, pointed at the simulator. */
  client(options?: { apiVersion?: string; maxRetries?: number }): ApiManagementClient;
  /** `path` is relative to the service (e.g. "/namedValues/x") unless it starts with /subscriptions or /_sandbox. */
  request(method: string, path: string, options?: RequestOptions): Promise<RawResponse>;
  /** The service's ARM path. */
  base: string;
  /** The simulated service's resource group and name, as the SDK's calls take them. */
  rg: string;
  svc: string;
  /** ARM requests logged after sequence number `since`. */
  requestLog(since?: number): Promise<RequestLogEntry[]>;
  /** The sequence number of the latest logged request. */
  lastSeq(): Promise<number>;
  sign(claims: { aud?: string; expiresInSeconds?: number }): Promise<string>;
  /** Stops and starts the simulator on the same data directory. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestSimulator(
  options: Partial<
    Pick<
      ApimSimulatorOptions,
      "lro" | "pageSize" | "service" | "seed" | "host" | "gatewayUrl" | "identity" | "moreServices"
    >
  > & {
    /** How long each request's token check takes: the simulator's own work before it handles a request. */
    authenticationMs?: number;
  } = {},
): Promise<TestSimulator> {
  const dataDir = await mkdtemp(join(tmpdir(), "apim-simulator-"));
  const tls = await ensureSandboxTls(inject("sandboxTlsDir"));
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const sign = ({ aud = armAudience, expiresInSeconds = 3600 }: { aud?: string; expiresInSeconds?: number }) =>
    new SignJWT({ oid: "test-app" })
      .setProtectedHeader({ alg: "RS256" })
      .setAudience(aud)
      .setIssuer("https://sandbox-identity.test/")
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
      .sign(privateKey);
  const start = () =>
    startApimSimulator({
      dataDir,
      tls: { key: tls.keyPem, cert: tls.certPem },
      authenticate: async (header) => {
        if (options.authenticationMs) await delay(options.authenticationMs);
        await jwtVerify(header.replace(/^Bearer\s+/i, ""), publicKey, { audience: armAudience });
      },
      lro: { polls: 0, ...options.lro },
      pageSize: options.pageSize,
      service: options.service,
      seed: options.seed,
      host: options.host,
      gatewayUrl: options.gatewayUrl,
      identity: options.identity,
      moreServices: options.moreServices,
    });
  const token = await sign({});
  const credential: TokenCredential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  let simulator = await start();

  const harness: TestSimulator = {
    get simulator() {
      return simulator;
    },
    dataDir,
    token,
    credential,
    get base() {
      return `/subscriptions/${simulator.subscriptionId}/resourceGroups/${simulator.resourceGroup}/providers/Microsoft.ApiManagement/service/${simulator.serviceName}`;
    },
    get rg() {
      return simulator.resourceGroup;
    },
    get svc() {
      return simulator.serviceName;
    },
    requestLog: async (since = 0) =>
      ((await harness.request("GET", `/_sandbox/requests?since=${since}`)).json as { requests: RequestLogEntry[] })
        .requests,
    lastSeq: async () =>
      ((await harness.request("GET", "/_sandbox/requests?limit=1")).json as { lastSeq: number }).lastSeq,
    client: ({ apiVersion, maxRetries = 0 } = {}) =>
      new ApiManagementClient(credential, simulator.subscriptionId, {
        $host: simulator.armEndpoint,
        endpoint: simulator.armEndpoint,
        credentialScopes: [`${armAudience}.default`],
        apiVersion,
        retryOptions: { maxRetries, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
      }),
    request: async (method, path, { body, headers = {}, apiVersion = "2024-05-01", token: bearer = token } = {}) => {
      const absolute =
        path.startsWith("/subscriptions") || path.startsWith("/_sandbox") ? path : `${harness.base}${path}`;
      const url = new URL(absolute, simulator.armEndpoint);
      if (apiVersion !== null && !path.startsWith("/_sandbox")) url.searchParams.set("api-version", apiVersion);
      const response = await fetch(url, {
        method,
        headers: {
          ...(bearer === null ? {} : { Authorization: `Bearer ${bearer}` }),
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        text,
        json: text === "" ? undefined : (JSON.parse(text) as unknown),
      };
    },
    sign,
    restart: async () => {
      await simulator.close();
      simulator = await start();
    },
    close: async () => {
      await simulator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
