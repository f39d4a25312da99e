import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import type { z } from "zod";
import type { faultConfigSchema } from "../../sandbox/apim/faults/fault-rules";
import type { RequestLogEntry } from "../../sandbox/apim/controls/request-log";
import type { ReceivedWebhook } from "../../sandbox/apim/controls/webhook-receiver";
import { sandboxAppEnvironment, type SandboxCoordinates } from "../../sandbox/sandbox-coordinates";
import { SANDBOX_PRODUCTION_SERVICE, startSandbox, type RunningSandbox } from "../../sandbox/start-sandbox";
import { systemContext } from "../../lib/auth/system-context";
import type { TestDatabase } from "./test-database";
import { configureApimClients } from "../../lib/apim/client-for-instance";
import { registerInstance } from "../../lib/instances/register-instance";
import type { InstanceView } from "../../lib/instances/schemas";
import type { ApimClientOptions } from "../../lib/apim";
import { setupTestDatabase } from "./setup-test-database";
import { testTokens } from "./test-tokens";

/**
 * Everything a control-plane integration test needs, the way the app runs in sandbox mode:
 * a migrated test database, the sandbox identity provider and APIM simulator over HTTPS,
 * the app configured (AZURE_*) to use them, and the simulated instance registered.
 * Long-running operations finish on the first poll and retries wait little, so tests are fast.
 */
export interface SandboxHarness {
  readonly db: TestDatabase;
  readonly coordinates: SandboxCoordinates;
  readonly instance: InstanceView;
  readonly controls: SandboxControls;
  /** Bearer tokens for REST tests (see test-tokens.ts). */
  readonly tokens: ReturnType<typeof testTokens>;
}

export interface SandboxControls {
  setFaults(config: z.input<typeof faultConfigSchema>): Promise<void>;
  clearFaults(): Promise<void>;
  requests(since?: number): Promise<RequestLogEntry[]>;
  clearRequests(): Promise<void>;
  reset(): Promise<void>;
  seedApis(count: number, options?: { prefix?: string; withPolicy?: boolean }): Promise<string[]>;
  /** What the simulator's webhook receiver `<name>` took (sandbox/apim/controls/webhook-receiver.ts). */
  webhooksReceived(name: string): Promise<ReceivedWebhook[]>;
  /** The statuses receiver `<name>` answers its next deliveries with, one each. */
  answerWebhooks(name: string, statuses: number[]): Promise<void>;
}

/** `productionService`: also serve the sandbox's production stand-in (promotion tests); other tests skip seeding it. */
export function setupSandboxHarness(
  options: { apim?: ApimClientOptions; pageSize?: number; productionService?: boolean } = {},
): SandboxHarness {
  const database = setupTestDatabase();
  let dataDir = "";
  let sandbox: RunningSandbox | undefined;
  let instance: InstanceView | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-harness-"));
    sandbox = await startSandbox({
      dataDir,
      appUrl: "http://localhost:3999",
      identityPort: 0,
      armPort: 0,
      roleNames: { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" },
      tlsDir: inject("sandboxTlsDir"),
      simulator: {
        lro: { polls: 0 },
        moreServices: options.productionService ? [SANDBOX_PRODUCTION_SERVICE] : [],
        ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      },
    });
    const c = sandbox.coordinates;
    Object.assign(process.env, sandboxAppEnvironment(c), {
      FINGERPRINT_KEY: "test-fingerprint-key-0123456789abcdef0123456789",
    });
    configureApimClients({ pollIntervalMs: 10, retry: { baseDelayMs: 5, maxDelayMs: 50 }, ...options.apim });
    instance = await registerInstance(systemContext(), {
      name: "sandbox",
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      serviceName: c.serviceName,
      armEndpoint: c.armEndpoint,
    });
  });

  afterAll(async () => {
    await sandbox?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const control = async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${sandbox!.coordinates.armEndpoint}/_sandbox/${route}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`sandbox control ${method} ${route}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };

  const coordinates = () => {
    if (!sandbox) throw new Error("the sandbox starts in beforeAll");
    return sandbox.coordinates;
  };

  return {
    tokens: testTokens(coordinates, () => dataDir),
    get db() {
      return database.current;
    },
    get coordinates() {
      return coordinates();
    },
    get instance() {
      if (!instance) throw new Error("the instance is registered in beforeAll");
      return instance;
    },
    controls: {
      setFaults: async (config) => void (await control("POST", "faults", config)),
      clearFaults: async () => void (await control("DELETE", "faults")),
      requests: async (since = 0) =>
        ((await control("GET", `requests?since=${since}&limit=1000000`)) as { requests: RequestLogEntry[] }).requests,
      clearRequests: async () => void (await control("DELETE", "requests")),
      reset: async () => void (await control("POST", "reset")),
      seedApis: async (count, seedOptions = {}) =>
        ((await control("POST", "seed", { apis: count, ...seedOptions })) as { apis: string[] }).apis,
      webhooksReceived: async (name) =>
        ((await control("GET", `webhooks?name=${encodeURIComponent(name)}`)) as { deliveries: ReceivedWebhook[] })
          .deliveries,
      answerWebhooks: async (name, statuses) => void (await control("PUT", `webhook-answers/${name}`, { statuses })),
    },
  };
}
