import { Agent, request as httpsRequest } from "node:https";
import { accountNameOfHost } from "../model/model-accounts";
import { managedIdentityToken } from "./statements/backend-statements";
import { PolicyError } from "./pipeline/gateway-errors";
import { resolveValue } from "./pipeline/policy-values";
import type { Exchange, GatewayRuntime } from "./pipeline/exchange";

/** Headers that belong to one connection, not to the call (RFC 9110 §7.6.1), and the host. */
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
  "host",
  "content-length",
]);

/**
 * Sends a call to its backend as APIM does: the backend URL plus the path below the API and
 * the query (both without the subscription key), the request headers as the policies left
 * them, and a backend entity's credentials (headers, query, authorization, managed identity).
 * The sandbox resolves Azure AI host names (`*.openai.azure.com`, `*.services.ai.azure.com`,
 * `*.cognitiveservices.azure.com`) to its model backend and reaches nothing else.
 */
export function modelForwarder(modelEndpoint: URL, ca?: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ...(ca ? { ca } : {}) });
  const forward = async (exchange: Exchange, runtime: GatewayRuntime, timeoutSeconds: number): Promise<void> => {
    const base = exchange.backend.url ?? exchange.api.serviceUrl;
    if (!base) throw connectionFailure("the API has no backend URL and no set-backend-service chose one");
    const target = new URL(`${base.replace(/\/+$/, "")}${exchange.rest === "/" ? "" : exchange.rest}`);
    for (const [name, value] of exchange.url.searchParams) {
      if (name !== exchange.api.subscriptionKeyQuery) target.searchParams.append(name, value);
    }
    const headers = new Map(exchange.requestHeaders);
    headers.delete(exchange.api.subscriptionKeyHeader.toLowerCase());
    await applyBackendCredentials(exchange, runtime, headers, target);

    if (accountNameOfHost(target.hostname) === undefined)
      throw connectionFailure(`the sandbox reaches only its model backend (Azure AI host names), not ${target.host}`);
    exchange.response = await send(
      agent,
      modelEndpoint,
      target,
      exchange.method,
      headers,
      exchange.body,
      timeoutSeconds,
    );
  };
  return { forward, close: () => agent.destroy() };
}

async function applyBackendCredentials(
  exchange: Exchange,
  runtime: GatewayRuntime,
  headers: Map<string, string[]>,
  target: URL,
): Promise<void> {
  if (exchange.backend.backendId === null) return;
  const backend = runtime.catalog.backend(exchange.backend.backendId);
  if (!backend) return;
  const resolve = (value: string) => resolveValue(value, exchange, runtime);
  for (const [name, values] of Object.entries(backend.header)) headers.set(name.toLowerCase(), values.map(resolve));
  for (const [name, values] of Object.entries(backend.query))
    for (const value of values) target.searchParams.append(name, resolve(value));
  if (backend.authorization)
    headers.set("authorization", [`${backend.authorization.scheme} ${resolve(backend.authorization.parameter)}`]);
  if (backend.managedIdentity) {
    try {
      const token = await managedIdentityToken(
        runtime,
        backend.managedIdentity.resource,
        backend.managedIdentity.clientId,
      );
      headers.set("authorization", [`Bearer ${token}`]);
    } catch (error) {
      throw new PolicyError("configuration", "BackendCredentialsFailure", {
        status: 500,
        message: (error as Error).message,
      });
    }
  }
}

function send(
  agent: Agent,
  modelEndpoint: URL,
  target: URL,
  method: string,
  headers: Map<string, string[]>,
  body: Buffer,
  timeoutSeconds: number,
): Promise<NonNullable<Exchange["response"]>> {
  const outgoing: Record<string, string | string[]> = { host: target.host };
  for (const [name, values] of headers) if (!NOT_FORWARDED.has(name) && values.length > 0) outgoing[name] = values;
  if (body.length > 0) outgoing["content-length"] = String(body.length);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        agent,
        hostname: modelEndpoint.hostname,
        // The model serves the sandbox certificate (localhost); the Host header names the account.
        servername: modelEndpoint.hostname,
        port: modelEndpoint.port,
        method,
        path: `${target.pathname}${target.search}`,
        headers: outgoing,
        timeout: timeoutSeconds * 1000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const answer = new Map<string, string[]>();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value === undefined || NOT_FORWARDED.has(name)) continue;
            answer.set(name, Array.isArray(value) ? value : [value]);
          }
          resolve({ status: response.statusCode ?? 502, headers: answer, body: Buffer.concat(chunks) });
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutSeconds} s`)));
    request.on("error", (error) => reject(connectionFailure(error.message)));
    request.end(body);
  });
}

function connectionFailure(detail: string): PolicyError {
  return new PolicyError("forward-request", "BackendConnectionFailure", {
    status: 500,
    message: `Backend connection failure: ${detail}.`,
  });
}
