import { attributeValue, childElements, textContent, type PolicyElement } from "../../../lib/policy";
import { entraIssuers } from "../../identity/entra-issuers";
import { PolicyError } from "../pipeline/gateway-errors";
import { attribute, booleanAttribute, integerAttribute, resolveValue } from "../pipeline/policy-values";
import type { Exchange, GatewayRuntime } from "../pipeline/exchange";
import { inlineSigningKey, validateToken, type RequiredClaim, type TokenRules } from "../tokens/validate-token";
import type { Statement, StatementRun } from "./statement";
import { UnsupportedInSandbox } from "../pipeline/gateway-errors";

/**
 * validate-jwt (validate-jwt-policy.md) and validate-azure-ad-token
 * (validate-azure-ad-token-policy.md): the token from a header, a query parameter or a value;
 * a failure answers `failed-validation-httpcode` (401) with `failed-validation-error-message`
 * or the predefined message of the failure, e.g. "JWT not present.".
 */
export const validateJwt: Statement = async (run) => {
  const { element } = run.located;
  for (const unsupported of ["decryption-keys"]) {
    if (child(element, unsupported)) throw new UnsupportedInSandbox(`validate-jwt <${unsupported}>`);
  }
  const keys = child(element, "issuer-signing-keys");
  const signingKeys = keys
    ? childElements(keys).map((key) => {
        if (attributeValue(key, "certificate-id") !== undefined)
          throw new UnsupportedInSandbox("validate-jwt <key certificate-id> (the sandbox has no certificates)");
        return inlineSigningKey({
          base64: resolveValue(textContent(key).trim(), run.exchange, run.runtime),
          n: attributeValue(key, "n"),
          e: attributeValue(key, "e"),
          id: attributeValue(key, "id"),
        });
      })
    : [];
  const rules: TokenRules = {
    openIdConfigUrls: childElements(element)
      .filter((candidate) => candidate.name === "openid-config")
      .map((config) => attribute(config, "url", run.exchange, run.runtime) ?? ""),
    signingKeys,
    issuers: listOf(element, "issuers", run),
    audiences: child(element, "audiences") ? listOf(element, "audiences", run) : undefined,
    clientApplicationIds: undefined,
    requiredClaims: requiredClaims(element, run),
    requireExpirationTime: booleanAttribute(element, "require-expiration-time", true, run.exchange, run.runtime),
    requireSignedTokens: booleanAttribute(element, "require-signed-tokens", true, run.exchange, run.runtime),
    clockSkewSeconds: integerAttribute(element, "clock-skew", run.exchange, run.runtime) ?? 0,
  };
  return check(run, "validate-jwt", rules, undefined);
};

export const validateAzureAdToken: Statement = async (run) => {
  const { element } = run.located;
  const tenant = attribute(element, "tenant-id", run.exchange, run.runtime);
  if (!tenant) throw new UnsupportedInSandbox("validate-azure-ad-token without tenant-id");
  const issuers = entraIssuers(run.runtime.authorityHost, tenant);
  const audiences = child(element, "audiences") ? listOf(element, "audiences", run) : undefined;
  const backendIds = child(element, "backend-application-ids")
    ? listOf(element, "backend-application-ids", run)
    : undefined;
  const rules: TokenRules = {
    // Entra's v2.0 metadata of the tenant, from the authority this gateway trusts.
    openIdConfigUrls: [`${run.runtime.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`],
    signingKeys: [],
    // Both token versions of the tenant are accepted; nothing else.
    issuers: [issuers.v1, issuers.v2],
    audiences: audiences || backendIds ? [...(audiences ?? []), ...(backendIds ?? [])] : undefined,
    clientApplicationIds: child(element, "client-application-ids")
      ? listOf(element, "client-application-ids", run)
      : undefined,
    requiredClaims: requiredClaims(element, run),
    requireExpirationTime: true,
    requireSignedTokens: true,
    clockSkewSeconds: 0,
  };
  return check(run, "validate-azure-ad-token", rules, "Authorization");
};

async function check(
  run: StatementRun,
  source: string,
  rules: TokenRules,
  defaultHeader: string | undefined,
): Promise<"continue"> {
  const { element } = run.located;
  const { exchange, runtime } = run;
  const status = integerAttribute(element, "failed-validation-httpcode", exchange, runtime) ?? 401;
  const customMessage = attribute(element, "failed-validation-error-message", exchange, runtime);
  const refuse = (reason: string, message: string) =>
    new PolicyError(source, reason, { status, message: customMessage ?? message });

  const token = extractToken(element, exchange, runtime, defaultHeader);
  if (token === undefined) throw refuse("TokenNotPresent", "JWT not present.");
  const result = await validateToken(token, rules, runtime.openIdConfigurations);
  if (!result.valid) throw refuse(result.reason, result.message);
  const output = attributeValue(element, "output-token-variable-name");
  if (output !== undefined) exchange.variables.set(output, result.claims);
  return "continue";
}

/** The token without its scheme, or undefined when the call carries none. */
function extractToken(
  element: PolicyElement,
  exchange: Exchange,
  runtime: GatewayRuntime,
  defaultHeader: string | undefined,
): string | undefined {
  const tokenValue = attribute(element, "token-value", exchange, runtime);
  if (tokenValue !== undefined) return tokenValue.trim() || undefined;
  const query = attribute(element, "query-parameter-name", exchange, runtime);
  if (query !== undefined) return exchange.url.searchParams.get(query)?.trim() || undefined;
  const headerName = attribute(element, "header-name", exchange, runtime) ?? defaultHeader;
  if (headerName === undefined)
    throw new UnsupportedInSandbox(`${element.name} without header-name, query-parameter-name or token-value`);
  const value = exchange.requestHeaders.get(headerName.toLowerCase())?.[0]?.trim();
  if (!value) return undefined;
  // require-scheme "only works with Authorization": the value must then start with that scheme.
  const scheme = attribute(element, "require-scheme", exchange, runtime);
  if (scheme !== undefined && headerName.toLowerCase() === "authorization") {
    const prefix = `${scheme.toLowerCase()} `;
    return value.toLowerCase().startsWith(prefix) ? value.slice(prefix.length).trim() || undefined : undefined;
  }
  return value.replace(/^Bearer\s+/i, "").trim() || undefined;
}

function child(element: PolicyElement, name: string): PolicyElement | undefined {
  return childElements(element).find((candidate) => candidate.name === name);
}

function listOf(element: PolicyElement, name: string, run: StatementRun): string[] {
  const list = child(element, name);
  return list
    ? childElements(list).map((item) => resolveValue(textContent(item).trim(), run.exchange, run.runtime).trim())
    : [];
}

function requiredClaims(element: PolicyElement, run: StatementRun): RequiredClaim[] {
  const list = child(element, "required-claims");
  if (!list) return [];
  return childElements(list).map((claim) => {
    const match = attributeValue(claim, "match") ?? "all";
    if (match !== "all" && match !== "any") throw new UnsupportedInSandbox(`claim match="${match}"`);
    return {
      name: attributeValue(claim, "name") ?? "",
      match,
      separator: attributeValue(claim, "separator"),
      values: childElements(claim).map((value) => resolveValue(textContent(value).trim(), run.exchange, run.runtime)),
    };
  });
}
