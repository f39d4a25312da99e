import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { readJsonBody } from "../apim/http/read-json-body";
import type { GatewayCatalog } from "./gateway-catalog";
import { modelForwarder } from "./forward-to-model";
import { handleGatewayRequest } from "./handle-gateway-request";
import type { GatewayRuntime } from "./pipeline/exchange";
import { QuotaCounters } from "./pipeline/quota-counters";
import { RateLimitCounters } from "./pipeline/rate-limit-counters";
import { ManagedIdentityTokens, type ManagedIdentityTokenSource } from "./tokens/managed-identity-tokens";
import { OpenIdConfigurations } from "./tokens/openid-configurations";
import { closeServer, listenOn } from "../http/listening-server";

export interface SandboxGatewayOptions {
  port: number;
  host?: string;
  tls: { keyPem: string; certPem: string };
  catalog: GatewayCatalog;
  /** The Entra authority (the sandbox identity provider's authority host). */
  authorityHost: string;
  /** Where Azure AI host names resolve to (the sandbox model backend). */
  modelEndpoint: string;
  managedIdentityToken: ManagedIdentityTokenSource;
}

export interface SandboxGateway {
  /** `https://localhost:{port}`: the gateway URL callers use. */
  gatewayUrl: string;
  port: number;
  /**
   * How often the gateway asked the identity provider (the caches APIM documents at work), the
   * API requests it received and the latency it adds to each (see the latency control).
   */
  stats(): GatewayStats;
  close(): Promise<void>;
}

export interface GatewayStats {
  openIdConfigurationFetches: number;
  managedIdentityTokenRequests: number;
  /** API requests received (controls not counted). */
  requests: number;
  latencyMs: number;
}

/** `PUT /_sandbox/gateway/latency`: every API request waits this long before it is handled. */
const latencySchema = z.strictObject({ ms: z.number().int().min(0).max(60_000) });

const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The simulated service's gateway: HTTPS with the sandbox CA, on 127.0.0.1 only, serving
 * every API of the simulator at its path and running its policies (see README.md).
 */
export async function startSandboxGateway(options: SandboxGatewayOptions): Promise<SandboxGateway> {
  const openIdConfigurations = new OpenIdConfigurations();
  const managedIdentityTokens = new ManagedIdentityTokens(options.managedIdentityToken);
  const forwarder = modelForwarder(new URL(options.modelEndpoint));
  const rateLimits = new RateLimitCounters();
  const quotas = new QuotaCounters();
  const runtime: GatewayRuntime = {
    catalog: options.catalog,
    authorityHost: options.authorityHost,
    openIdConfigurations,
    managedIdentityTokens,
    rateLimits,
    quotas,
    forward: (exchange, timeoutSeconds) => forwarder.forward(exchange, runtime, timeoutSeconds),
  };
  // Injected latency: a far-away gateway for benchmarks, like the simulator's ARM latency faults.
  let latencyMs = 0;
  let requests = 0;
  const stats = (): GatewayStats => ({
    openIdConfigurationFetches: openIdConfigurations.fetches,
    managedIdentityTokenRequests: managedIdentityTokens.requests,
    requests,
    latencyMs,
  });

  const server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (request, response) => {
    const handled = request.url?.startsWith("/_sandbox/gateway/")
      ? control(request, response, {
          stats,
          clearCounters: () => {
            rateLimits.clear();
            quotas.clear();
          },
          setLatency: (ms) => void (latencyMs = ms),
        })
      : (async () => {
          requests += 1;
          if (latencyMs > 0) await sleep(latencyMs);
          await handleGatewayRequest(runtime, request, response);
        })();
    handled.catch((error: unknown) => {
      console.error("Sandbox gateway: request failed", error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const port = await listenOn(server, options.port, options.host);
  return {
    gatewayUrl: `https://localhost:${port}`,
    port,
    stats,
    close: async () => {
      await closeServer(server);
      forwarder.close();
    },
  };
}

/** `/_sandbox/gateway/…`: loopback only, like the simulator's controls. */
async function control(
  request: IncomingMessage,
  response: ServerResponse,
  parts: { stats: SandboxGateway["stats"]; clearCounters: () => void; setLatency: (ms: number) => void },
): Promise<void> {
  const reply = (status: number, body?: unknown) => {
    const json = body === undefined ? "" : JSON.stringify(body);
    response
      .writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) })
      .end(json);
  };
  if (!loopback.has(request.socket.remoteAddress ?? "")) return reply(403, { error: { message: "Loopback only." } });
  const route = `${request.method} ${new URL(request.url ?? "/", "https://localhost").pathname.replace(/\/+$/, "")}`;
  if (route === "GET /_sandbox/gateway/stats") return reply(200, parts.stats());
  if (route === "DELETE /_sandbox/gateway/rate-limits") {
    parts.clearCounters();
    return reply(204);
  }
  if (route === "PUT /_sandbox/gateway/latency") {
    const parsed = latencySchema.safeParse(await readJsonBody(request).catch(() => undefined));
    if (!parsed.success)
      return reply(400, { error: { message: 'The body must be {"ms": a whole number from 0 to 60000}.' } });
    parts.setLatency(parsed.data.ms);
    return reply(200, { ms: parsed.data.ms });
  }
  return reply(404, { error: { message: `No sandbox control ${route}.` } });
}
