import type { GatewayApi, GatewayCatalog, GatewayOperation } from "../gateway-catalog";
import type { ManagedIdentityTokens } from "../tokens/managed-identity-tokens";
import type { OpenIdConfigurations } from "../tokens/openid-configurations";
import type { QuotaCounters } from "./quota-counters";
import type { RateLimitCounters } from "./rate-limit-counters";

/** One call as the policies see and change it. Header names are kept lower-case. */
export interface Exchange {
  /** A GUID per call (`context.RequestId`). */
  requestId: string;
  method: string;
  url: URL;
  ipAddress: string;
  requestHeaders: Map<string, string[]>;
  body: Buffer;
  api: GatewayApi;
  /** Null only while on-error handles a call that matched no operation. */
  operation: GatewayOperation | null;
  /** The operation's URL template parameters and their values in this call. */
  matchedParameters: Map<string, string>;
  /** The request path below the API's path, e.g. `/deployments/gpt-4o/chat/completions`. */
  rest: string;
  subscription: { id: string; key: string; name: string; scope: string } | null;
  product: { id: string; name: string } | null;
  variables: Map<string, unknown>;
  /** Where the call goes: the API's service URL until set-backend-service changes it. */
  backend: { url: string | null; backendId: string | null };
  /** The answer so far (from the backend, return-response or an error). */
  response: GatewayResponse | null;
  /** Headers rate-limit statements add to whatever answer the caller finally gets. */
  extraResponseHeaders: Map<string, string>;
  /** The error on-error is handling (`context.LastError`), once there is one. */
  lastError: LastError | null;
}

/** APIM's ProxyError (api-management-error-handling-policies.md): what went wrong, where. */
export interface LastError {
  source: string;
  reason: string;
  message: string;
  scope: string;
  section: string;
}

export interface GatewayResponse {
  status: number;
  headers: Map<string, string[]>;
  body: Buffer;
}

/** What the statements use beyond the call itself. */
export interface GatewayRuntime {
  catalog: GatewayCatalog;
  /** The Entra authority validate-azure-ad-token asks (the sandbox identity provider). */
  authorityHost: string;
  openIdConfigurations: OpenIdConfigurations;
  managedIdentityTokens: ManagedIdentityTokens;
  rateLimits: RateLimitCounters;
  quotas: QuotaCounters;
  /** Sends the call to its backend and stores the answer in `exchange.response`. */
  forward(exchange: Exchange, timeoutSeconds: number): Promise<void>;
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): GatewayResponse {
  const map = new Map<string, string[]>([["content-type", ["application/json; charset=utf-8"]]]);
  for (const [name, value] of Object.entries(headers)) map.set(name.toLowerCase(), [value]);
  return { status, headers: map, body: Buffer.from(JSON.stringify(body, null, 4)) };
}

/** APIM's error body: `{ "statusCode": 401, "message": "…" }`. */
export function errorResponse(status: number, message: string, headers: Record<string, string> = {}): GatewayResponse {
  return jsonResponse(status, { statusCode: status, message }, headers);
}
