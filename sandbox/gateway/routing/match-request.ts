import type { GatewayApi, GatewayCatalog, GatewayOperation } from "../gateway-catalog";
import { matchUrlTemplate } from "./url-template";

export type RequestMatch =
  | {
      found: true;
      api: GatewayApi;
      operation: GatewayOperation;
      rest: string;
      /** The template's parameters and their values (context.Request.MatchedParameters). */
      parameters: Record<string, string>;
    }
  | { found: false; reason: "api" }
  | { found: false; reason: "operation"; api: GatewayApi; rest: string };

/**
 * Which API and operation a call is for: the API whose path is the longest prefix of the
 * request path (on segment boundaries, case-insensitively), then, among the API's operations
 * with the request's method, the one whose URL template matches the rest of the path and the
 * query (see url-template.ts); when several match, the one with the most literal parts, and
 * among equals the first created.
 */
export function matchRequest(catalog: GatewayCatalog, method: string, url: URL): RequestMatch {
  const path = trimSlashes(url.pathname).toLowerCase();
  const api = catalog
    .apis()
    .filter((candidate) => {
      const prefix = trimSlashes(candidate.path).toLowerCase();
      return prefix === "" || path === prefix || path.startsWith(`${prefix}/`);
    })
    .sort((a, b) => trimSlashes(b.path).length - trimSlashes(a.path).length)[0];
  if (api === undefined) return { found: false, reason: "api" };
  const prefixLength = trimSlashes(api.path).length;
  const rest = `/${trimSlashes(trimSlashes(url.pathname).slice(prefixLength))}`;
  let best: { operation: GatewayOperation; literals: number; parameters: Record<string, string> } | undefined;
  for (const operation of catalog.operations(api.id)) {
    if (operation.method.toUpperCase() !== method.toUpperCase()) continue;
    const match = matchUrlTemplate(operation.urlTemplate, rest, url.searchParams);
    if (match !== undefined && (best === undefined || match.literals > best.literals)) best = { operation, ...match };
  }
  return best
    ? { found: true, api, operation: best.operation, rest, parameters: best.parameters }
    : { found: false, reason: "operation", api, rest };
}

function trimSlashes(value: string): string {
  return value.replace(/^\/+|\/+$/g, "");
}
