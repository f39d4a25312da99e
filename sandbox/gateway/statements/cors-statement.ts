import { attributeValue, childElements, textContent, type PolicyElement } from "../../../lib/policy";
import { UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { booleanAttribute } from "../pipeline/policy-values";
import type { Statement } from "./statement";

/**
 * cors (cors-policy.md) "adds cross-origin resource sharing (CORS) support to an operation or
 * an API". A call without an `Origin` header is not cross-origin and passes untouched. A
 * preflight (OPTIONS with Access-Control-Request-Method) from an allowed origin, for an allowed
 * method ("If this section isn't present, GET and POST are supported") and allowed headers, is
 * answered at once with the Access-Control-Allow-* headers; any other cross-origin call from an
 * allowed origin gets Access-Control-Allow-Origin (and -Credentials, -Expose-Headers) on its
 * answer. A call that does not match: terminate-unmatched-request true (the default) ends it
 * "with an empty 200 OK response"; false lets a simple request go on without CORS headers. An
 * unmatched preflight with terminate-unmatched-request false (APIM then looks for cors
 * policies of other scopes) is not simulated.
 */
export const cors: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  const origin = exchange.requestHeaders.get("origin")?.[0];
  if (origin === undefined) return "continue";
  const allowCredentials = booleanAttribute(element, "allow-credentials", false, exchange, runtime);
  const terminate = booleanAttribute(element, "terminate-unmatched-request", true, exchange, runtime);
  const origins = listOf(element, "allowed-origins");
  const methods = listOf(element, "allowed-methods") ?? ["GET", "POST"];
  const headers = listOf(element, "allowed-headers") ?? [];
  const originAllowed = (origins ?? []).some((allowed) => allowed === "*" || same(allowed, origin));
  const allowOrigin = (origins ?? []).includes("*") && !allowCredentials ? "*" : origin;
  const methodAllowed = (method: string) => methods.some((allowed) => allowed === "*" || same(allowed, method));

  const requestedMethod = exchange.requestHeaders.get("access-control-request-method")?.[0];
  const emptyOk = () => {
    exchange.response = { status: 200, headers: new Map(), body: Buffer.alloc(0) };
    return "return" as const;
  };
  if (exchange.method.toUpperCase() === "OPTIONS" && requestedMethod !== undefined) {
    const requestedHeaders = (exchange.requestHeaders.get("access-control-request-headers")?.[0] ?? "")
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    const headersAllowed = requestedHeaders.every((name) =>
      headers.some((allowed) => allowed === "*" || same(allowed, name)),
    );
    if (!(originAllowed && methodAllowed(requestedMethod) && headersAllowed)) {
      if (terminate) return emptyOk();
      throw new UnsupportedInSandbox('an unmatched CORS preflight with terminate-unmatched-request="false"');
    }
    const answer = new Map<string, string[]>([
      ["access-control-allow-origin", [allowOrigin]],
      ["access-control-allow-methods", [requestedMethod]],
    ]);
    if (requestedHeaders.length > 0) answer.set("access-control-allow-headers", [requestedHeaders.join(",")]);
    if (allowCredentials) answer.set("access-control-allow-credentials", ["true"]);
    const maxAge = attributeValue(child(element, "allowed-methods") ?? element, "preflight-result-max-age");
    if (maxAge !== undefined) answer.set("access-control-max-age", [maxAge]);
    exchange.response = { status: 200, headers: answer, body: Buffer.alloc(0) };
    return "return";
  }
  if (!(originAllowed && methodAllowed(exchange.method))) return terminate ? emptyOk() : "continue";
  exchange.extraResponseHeaders.set("access-control-allow-origin", allowOrigin);
  if (allowCredentials) exchange.extraResponseHeaders.set("access-control-allow-credentials", "true");
  const expose = listOf(element, "expose-headers");
  if (expose && expose.length > 0) exchange.extraResponseHeaders.set("access-control-expose-headers", expose.join(","));
  return "continue";
};

function child(element: PolicyElement, name: string): PolicyElement | undefined {
  return childElements(element).find((candidate) => candidate.name === name);
}

/** The texts of a list element's children, or undefined when the list is absent. */
function listOf(element: PolicyElement, name: string): string[] | undefined {
  const list = child(element, name);
  return list && childElements(list).map((item) => textContent(item).trim());
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
