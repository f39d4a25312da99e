import { createServer } from "node:https";
import path from "node:path";
import { ArmError } from "./arm/arm-error";
import type { Authenticate } from "./arm/authenticate-request";
import { RateLimitCounters } from "./arm/rate-limit-headers";
import { RequestLog } from "./controls/request-log";
import { handleSandboxControl, type SandboxControlParts } from "./controls/sandbox-controls";
import { FaultScheduler } from "./faults/fault-scheduler";
import { handleArmRequest } from "./http/handle-arm-request";
import { LongRunningOperations, type LroSettings } from "./lro/long-running-operations";
import type { ServiceIdentity, ServiceManagedIdentity, SimulatorContext } from "./resources/arm-exchange";
import { WebhookReceiver } from "./controls/webhook-receiver";
import { SimulatedKeyVault } from "./resources/named-values/simulated-key-vault";
import { applySeed, applySeedGroups } from "./seed/apply-seed";
import { applyGatewaySeed } from "./seed/gateway-seed";
import {
  benchmarkApiSeed,
  benchmarkProductSeed,
  initialSeed,
  sandboxIdentityNamedValues,
  seedVersion,
  type SandboxIdentityValues,
  type SeedRequest,
} from "./seed/initial-seed";
import { sandboxServiceIdentity } from "./seed/service-identity";
import { ApimState } from "./store/apim-state";
import { listenOn } from "../http/listening-server";

export interface ApimSimulatorOptions {
  /** Where the state lives; created if missing, seeded on first start. */
  dataDir: string;
  /** Seed a fresh data directory (and a reset) with the sandbox APIs; true by default. */
  seed?: boolean;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Interface to listen on; 127.0.0.1 by default. */
  host?: string;
  /** PEM key and certificate (e.g. from sandbox/tls) for HTTPS: the Azure SDK sends bearer tokens only over HTTPS. */
  tls: { key: string | Buffer; cert: string | Buffer };
  /** Validates `Authorization: Bearer …` of every ARM request; reject to refuse it (401). */
  authenticate: Authenticate;
  /** Long-running operations; defaults behave like APIM (see DEFAULT_LRO). */
  lro?: Partial<LroSettings>;
  /** Names of the simulated service (see DEFAULT_SERVICE). */
  service?: Partial<ServiceIdentity>;
  /**
   * The service's `gatewayUrl` (where the sandbox gateway listens, e.g.
   * `https://localhost:{PORT+3}`); `https://{serviceName}.azure-api.net` by default.
   */
  gatewayUrl?: string;
  /** The service's managed identities; the sandbox's system- and user-assigned ones by default. */
  identity?: ServiceManagedIdentity;
  /** Page size of collections when the client sends no $top (100 by default). */
  pageSize?: number;
  /** How many requests the request log keeps (50,000 by default). */
  requestLogLimit?: number;
  /** The sandbox identity provider's values the seeded caller check uses (placeholders without). */
  sandboxIdentity?: SandboxIdentityValues;
  /**
   * Names of more APIM services served beside the first, in the same subscription and resource
   * group (e.g. a production service beside a development one, for promotion). Each has its own
   * state in `<dataDir>/services/<name>`, seeded alike; faults, the request log and the gateway
   * belong to the first.
   */
  moreServices?: string[];
}

export interface ApimSimulator {
  /** e.g. https://127.0.0.1:8443 — the ARM endpoint ($host/endpoint) clients use. */
  armEndpoint: string;
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  /** Names of the services served beside the first (options.moreServices). */
  moreServices: string[];
  /** The simulated service's state, for the sandbox gateway and model in the same process. */
  store: SimulatorStore;
  /** Sets the `gatewayUrl` the service answers, once the sandbox gateway listens (its port may be picked then). */
  setGatewayUrl(url: string): void;
  /** Stops listening, drops open connections and waits for pending disk writes. */
  close(): Promise<void>;
}

/** Read access to what the simulator holds (the gateway runs the policies it stores). */
export type SimulatorStore = Readonly<Pick<SimulatorContext, "state" | "keyVault" | "service" | "identity">>;

/** The seed marker of a directory started without seed data. */
const unseeded = "unseeded";

export const DEFAULT_SERVICE: ServiceIdentity = {
  subscriptionId: "00000000-0000-0000-0000-000000000000",
  resourceGroup: "portcullis-sandbox",
  serviceName: "portcullis-sandbox-apim",
  location: "West Europe",
};

/**
 * Like APIM: the first poll of a named-value write still answers 202 (without Retry-After,
 * as recorded, so the SDK waits its default 2 s), the next one the result. Tests and
 * benchmarks pass `{ polls: 0 }` to finish on the first poll.
 */
export const DEFAULT_LRO: LroSettings = { polls: 1, maxDurationMs: 10_000 };

/** Starts the local APIM simulator: an HTTPS server speaking ARM for one APIM service (and options.moreServices). */
export async function startApimSimulator(options: ApimSimulatorOptions): Promise<ApimSimulator> {
  const state = await ApimState.open(options.dataDir);
  const service = { ...DEFAULT_SERVICE, ...options.service };
  const lro = new LongRunningOperations({ ...DEFAULT_LRO, ...options.lro });
  const keyVault = new SimulatedKeyVault();
  const webhooks = new WebhookReceiver();
  const faults = new FaultScheduler();
  const requestLog = new RequestLog(options.requestLogLimit ?? 50_000);
  const rateLimits = new RateLimitCounters();
  const host = options.host ?? "127.0.0.1";
  // publicOrigin is known once the port is; nothing before that (seeding) needs it.
  const context: SimulatorContext = {
    state,
    lro,
    keyVault,
    service,
    gatewayUrl: options.gatewayUrl ?? `https://${service.serviceName}.azure-api.net`,
    identity: options.identity ?? sandboxServiceIdentity,
    publicOrigin: "",
    pageSize: options.pageSize ?? 100,
  };

  const seeding = options.seed ?? true;
  const others = await Promise.all(
    (options.moreServices ?? []).map(async (serviceName): Promise<SimulatorContext> => ({
      ...context,
      state: await ApimState.open(path.join(options.dataDir, "services", serviceName)),
      service: { ...service, serviceName },
      gatewayUrl: `https://${serviceName}.azure-api.net`,
    })),
  );
  const seed = async (served: SimulatorContext) => {
    if (seeding) {
      const requests = initialSeed(options.sandboxIdentity);
      await applySeed(served, served === context ? requests : namedForService(requests, served.service.serviceName));
      await applyGatewaySeed(served);
    }
    await served.state.markSeeded(seeding ? seedVersion : unseeded);
  };
  for (const served of [context, ...others]) await openSeeded(served, seeding, seed, options);
  lro.clear();
  // A reset swaps the whole state; requests arriving meanwhile wait for it.
  let ready: Promise<void> = Promise.resolve();
  const controls: SandboxControlParts = {
    faults,
    requestLog,
    keyVault,
    webhooks,
    roleAssignments: state.roleAssignments,
    reset: () => {
      const resetting = (async () => {
        for (const served of [context, ...others]) await served.state.clear();
        lro.clear();
        faults.clear();
        requestLog.clear();
        keyVault.clear();
        webhooks.clear();
        for (const served of [context, ...others]) await seed(served);
      })();
      // A failed reset is reported to its caller; later requests still get answers.
      ready = resetting.catch(() => undefined);
      return resetting;
    },
    seedApis: async ({ count, prefix, withPolicy, operations, products, service: serviceName }) => {
      const served = serviceName === undefined ? context : servedByName([context, ...others], serviceName);
      const apis = Array.from({ length: count }, (_, index) => `${prefix}-${index + 1}`);
      await applySeedGroups(
        served,
        apis.map((id) => benchmarkApiSeed(id, withPolicy, operations)),
      );
      // APIs are dealt to the products in turn: API i joins product (i mod products).
      const productIds = Array.from({ length: products }, (_, index) => `${prefix}-product-${index + 1}`);
      await applySeedGroups(
        served,
        productIds.map((id, index) =>
          benchmarkProductSeed(
            id,
            apis.filter((_, api) => api % products === index),
          ),
        ),
      );
      return { apis, products: productIds };
    },
  };
  const armParts = {
    context,
    otherServices: new Map(others.map((served) => [served.service.serviceName.toLowerCase(), served])),
    authenticate: options.authenticate,
    faults,
    requestLog,
    rateLimits,
  };

  const server = createServer({ key: options.tls.key, cert: options.tls.cert }, (request, response) => {
    const run = async () => {
      await ready;
      if (request.url?.startsWith("/_sandbox/")) await handleSandboxControl(controls, request, response);
      else await handleArmRequest(armParts, request, response);
    };
    run().catch((error: unknown) => {
      console.error("APIM simulator: request failed", error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const armEndpoint = `https://${endpointHost(host)}:${await listenOn(server, options.port, host)}`;
  for (const served of [context, ...others]) served.publicOrigin = armEndpoint;

  return {
    armEndpoint,
    subscriptionId: service.subscriptionId,
    resourceGroup: service.resourceGroup,
    serviceName: service.serviceName,
    moreServices: others.map((served) => served.service.serviceName),
    store: context,
    setGatewayUrl: (url) => {
      context.gatewayUrl = url;
    },
    close: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      for (const served of [context, ...others]) await served.state.flush();
    },
  };
}

/** A served service by its name, compared case-insensitively as ARM does. */
function servedByName(served: readonly SimulatorContext[], serviceName: string): SimulatorContext {
  const found = served.find((s) => s.service.serviceName.toLowerCase() === serviceName.toLowerCase());
  if (!found) throw new ArmError(404, "ResourceNotFound", `This simulator serves no service named '${serviceName}'.`);
  return found;
}

/** The host name clients should use: a wildcard bind is reached through localhost. */
function endpointHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "localhost";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Seeds a service's state on its first start, and again when it holds an older seed; follows a
 * sandbox identity provider created anew (another tenant and clients) in the seeded caller check.
 */
async function openSeeded(
  served: SimulatorContext,
  seeding: boolean,
  seed: (served: SimulatorContext) => Promise<void>,
  options: ApimSimulatorOptions,
): Promise<void> {
  const { state } = served;
  const seededWith = await state.seededWith();
  if (seededWith === null) await seed(served);
  else if (seeding && seededWith !== seedVersion && seededWith !== unseeded) {
    // A directory seeded by an older seed starts over with the current one: the sandbox's
    // state is demo data, and a half-old seed would lack what the console expects.
    console.warn(
      `APIM simulator: ${served.service.serviceName} holds seed '${seededWith}'; re-seeding it with '${seedVersion}'.`,
    );
    await state.clear();
    await seed(served);
  } else if (
    seeding &&
    options.sandboxIdentity &&
    state.namedValues.get("llm-callers-tenant-id")?.value !== options.sandboxIdentity.tenantId
  ) {
    await applySeed(served, sandboxIdentityNamedValues(options.sandboxIdentity));
  }
}

/**
 * The seed of a further service: the same APIs (same ARM names, so promotion finds them), their
 * display names suffixed with the service's name so that the console tells the two apart.
 */
function namedForService(requests: readonly SeedRequest[], serviceName: string): SeedRequest[] {
  return requests.map((request) =>
    /^\/apis\/[^/]+$/.test(request.path) && typeof request.body?.properties.displayName === "string"
      ? {
          ...request,
          body: {
            ...request.body,
            properties: {
              ...request.body.properties,
              displayName: `${request.body.properties.displayName} (${serviceName})`,
            },
          },
        }
      : request,
  );
}
