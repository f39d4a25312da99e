import { attributeValue, type PolicyElement } from "../../../lib/policy";
import type { Exchange, GatewayRuntime } from "./exchange";
import { evaluateExpression, type ExpressionContext } from "./expressions";
import { UnsupportedInSandbox } from "./gateway-errors";

/**
 * A policy value as APIM computes it: `{{named value}}` references are replaced by their
 * values first (text substitution), then a value that is an expression is evaluated.
 */
export function resolveValue(raw: string, exchange: Exchange, runtime: GatewayRuntime): string {
  const value = typedValue(raw, exchange, runtime);
  return value === null || value === undefined ? "" : String(value);
}

/** Like resolveValue, but an expression's result keeps its type (set-variable). */
export function typedValue(raw: string, exchange: Exchange, runtime: GatewayRuntime): unknown {
  const substituted = raw.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => {
    const value = runtime.catalog.namedValue(name.trim());
    if (value === undefined) throw new UnsupportedInSandbox(`the named value '${name}' (it does not exist)`);
    return value;
  });
  const trimmed = substituted.trim();
  if (!trimmed.startsWith("@(") && !trimmed.startsWith("@{")) return substituted;
  return evaluateExpression(trimmed, expressionContext(exchange));
}

/** The attribute's resolved value, or undefined when absent. */
export function attribute(
  element: PolicyElement,
  name: string,
  exchange: Exchange,
  runtime: GatewayRuntime,
): string | undefined {
  const raw = attributeValue(element, name);
  return raw === undefined ? undefined : resolveValue(raw, exchange, runtime);
}

export function expressionContext(exchange: Exchange): ExpressionContext {
  return {
    requestId: exchange.requestId,
    variables: exchange.variables,
    requestHeader: (name) => exchange.requestHeaders.get(name.toLowerCase())?.join(","),
    request: {
      method: exchange.method,
      ipAddress: exchange.ipAddress,
      path: exchange.url.pathname,
      matchedParameters: exchange.matchedParameters,
    },
    api: { id: exchange.api.id, name: exchange.api.name },
    operation: exchange.operation && { id: exchange.operation.id, name: exchange.operation.name },
    subscription: exchange.subscription && {
      id: exchange.subscription.id,
      key: exchange.subscription.key,
      name: exchange.subscription.name,
    },
    product: exchange.product,
    lastError: exchange.lastError,
  };
}

/** An integer attribute (`calls`, `renewal-period`, …); a value that is not one is a sandbox 500. */
export function integerAttribute(
  element: PolicyElement,
  name: string,
  exchange: Exchange,
  runtime: GatewayRuntime,
): number | undefined {
  const value = attribute(element, name, exchange, runtime);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()))
    throw new UnsupportedInSandbox(`${element.name} ${name}="${value}" (not a whole number)`);
  return Number(value);
}

export function booleanAttribute(
  element: PolicyElement,
  name: string,
  fallback: boolean,
  exchange: Exchange,
  runtime: GatewayRuntime,
): boolean {
  const value = attribute(element, name, exchange, runtime)?.trim().toLowerCase();
  if (value === undefined) return fallback;
  if (value !== "true" && value !== "false")
    throw new UnsupportedInSandbox(`${element.name} ${name}="${value}" (not true or false)`);
  return value === "true";
}
