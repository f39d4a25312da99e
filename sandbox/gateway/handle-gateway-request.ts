import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayApi, GatewayCatalog, GatewaySubscription } from "./gateway-catalog";
import { errorResponse, type Exchange, type GatewayResponse, type GatewayRuntime } from "./pipeline/exchange";
import { PolicyError } from "./pipeline/gateway-errors";
import { runPipeline } from "./pipeline/run-pipeline";
import type { ScopeChain } from "./pipeline/effective-sections";
import { matchRequest } from "./routing/match-request";

/** APIM's global policy when none was ever set: the backend section forwards the call. */
const DEFAULT_GLOBAL_POLICY = {
  text: "<policies><inbound /><backend><forward-request /></backend><outbound /><on-error /></policies>",
  format: "xml" as const,
};

/** Request bodies above this are refused (the model calls are small). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * One call to the gateway, in APIM's order: match the API (404 without running any policy
 * otherwise) and the operation, check the subscription key where one is required, then run
 * the effective policy of global, product (through the subscription's product), API and
 * operation scopes. An unmatched operation or a missing or invalid key is an error of a
 * built-in step: on-error runs for it, with APIM's answer prepared.
 */
export async function handleGatewayRequest(
  runtime: GatewayRuntime,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const url = new URL(request.url ?? "/", "https://localhost");
  const method = request.method ?? "GET";
  const match = matchRequest(runtime.catalog, method, url);
  if (!match.found && match.reason === "api") return send(response, errorResponse(404, "Resource not found"));
  const { api, rest } = match;
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value : [value]);
  }
  const key =
    headers.get(api.subscriptionKeyHeader.toLowerCase())?.[0] ?? url.searchParams.get(api.subscriptionKeyQuery);
  const subscription = key ? usableSubscription(runtime.catalog, api, key) : undefined;
  const body = await readBody(request);
  if (body === undefined) return send(response, errorResponse(413, "Request body too large."));

  const productId = subscription?.scope.match(/^\/products\/([^/]+)$/i)?.[1];
  const operation = match.found ? match.operation : null;
  const exchange: Exchange = {
    requestId: randomUUID(),
    method,
    url,
    ipAddress: request.socket.remoteAddress ?? "",
    requestHeaders: headers,
    body,
    api,
    operation,
    matchedParameters: new Map(Object.entries(match.found ? match.parameters : {})),
    rest,
    subscription:
      subscription && key ? { id: subscription.id, key, name: subscription.name, scope: subscription.scope } : null,
    product: productId ? { id: productId, name: runtime.catalog.productName(productId) ?? productId } : null,
    variables: new Map(),
    backend: { url: null, backendId: null },
    response: null,
    extraResponseHeaders: new Map(),
    lastError: null,
  };
  const chain: ScopeChain = [
    { scope: "global", policy: runtime.catalog.globalPolicy() ?? DEFAULT_GLOBAL_POLICY },
    ...(productId ? [{ scope: "product" as const, policy: runtime.catalog.productPolicy(productId) }] : []),
    { scope: "api", policy: runtime.catalog.apiPolicy(api.id) },
    ...(operation
      ? [{ scope: "operation" as const, policy: runtime.catalog.operationPolicy(api.id, operation.id) }]
      : []),
  ];
  await runPipeline(chain, exchange, runtime, builtInError(match.found, api, key, subscription));
  // No forward-request anywhere in the backend section: APIM answers without a body.
  const answer = exchange.response ?? { status: 200, headers: new Map(), body: Buffer.alloc(0) };
  for (const [name, value] of exchange.extraResponseHeaders) answer.headers.set(name, [value]);
  send(response, answer);
}

/**
 * The errors of APIM's built-in steps (api-management-error-handling-policies.md, "Predefined
 * errors for built-in steps"), with the answers APIM gives the caller.
 */
function builtInError(
  operationFound: boolean,
  api: GatewayApi,
  key: string | null | undefined,
  subscription: GatewaySubscription | undefined,
): PolicyError | undefined {
  if (!operationFound)
    return new PolicyError("configuration", "OperationNotFound", { status: 404, message: "Resource not found" });
  if (!api.subscriptionRequired) return undefined;
  if (!key)
    return new PolicyError("authorization", "SubscriptionKeyNotFound", {
      status: 401,
      message:
        "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
    });
  if (!subscription)
    return new PolicyError("authorization", "SubscriptionKeyInvalid", {
      status: 401,
      message:
        "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.",
    });
  return undefined;
}

/** The subscription a key belongs to, when it is active and covers the API. */
function usableSubscription(catalog: GatewayCatalog, api: GatewayApi, key: string): GatewaySubscription | undefined {
  const subscription = catalog.subscriptionByKey(key);
  if (!subscription?.active) return undefined;
  const scope = subscription.scope.toLowerCase();
  if (scope === "/apis" || scope === `/apis/${api.id.toLowerCase()}`) return subscription;
  const product = /^\/products\/([^/]+)$/.exec(subscription.scope)?.[1];
  return product && catalog.productHasApi(product, api.id) ? subscription : undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, answer: GatewayResponse): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, values] of answer.headers) headers[name] = values.length === 1 ? values[0]! : values;
  headers["content-length"] = String(answer.body.length);
  response.writeHead(answer.status, headers).end(answer.body);
}
