/**
 * Reads the statements that decide caller access into plain data: the token validations with
 * every setting that bears on a decision, check-header, ip-filter. Attribute defaults are not
 * filled in here (a missing attribute stays null): the evaluator applies the documented default.
 */
import { childElements, type PolicyElement } from "../document/policy-document";
import type { CallerCheck, ClaimRequirement, FailureResponse, TokenSource } from "./effective-pipeline";
import { attributeOf, itemsOf, listOf, plainAttribute } from "./policy-value";

export const CALLER_CHECK_ELEMENTS = [
  "validate-azure-ad-token",
  "validate-jwt",
  "check-header",
  "ip-filter",
  "validate-client-certificate",
];

export function classifyCallerCheck(element: PolicyElement): CallerCheck {
  switch (element.name) {
    case "validate-azure-ad-token":
      return {
        kind: "validate-azure-ad-token",
        // header-name defaults to Authorization (the documented default of validate-azure-ad-token).
        source: tokenSource(element, "Authorization"),
        tenantId: attributeOf(element, "tenant-id"),
        authenticationEndpoint: attributeOf(element, "authentication-endpoint"),
        clientApplicationIds: listOf(element, "client-application-ids", "application-id"),
        backendApplicationIds: listOf(element, "backend-application-ids", "application-id"),
        audiences: listOf(element, "audiences", "audience"),
        requiredClaims: requiredClaims(element),
        failed: failedValidation(element),
        outputTokenVariable: plainAttribute(element, "output-token-variable-name"),
      };
    case "validate-jwt":
      return {
        kind: "validate-jwt",
        source: tokenSource(element, undefined),
        requireScheme: attributeOf(element, "require-scheme"),
        requireExpirationTime: attributeOf(element, "require-expiration-time"),
        requireSignedTokens: attributeOf(element, "require-signed-tokens"),
        clockSkew: attributeOf(element, "clock-skew"),
        openIdConfigUrls: childElements(element)
          .filter((child) => child.name === "openid-config")
          .flatMap((config) => attributeOf(config, "url") ?? []),
        signingKeys: childElements(element).some((child) => child.name === "issuer-signing-keys"),
        decryptionKeys: childElements(element).some((child) => child.name === "decryption-keys"),
        issuers: listOf(element, "issuers", "issuer"),
        audiences: listOf(element, "audiences", "audience"),
        requiredClaims: requiredClaims(element),
        failed: failedValidation(element),
        outputTokenVariable: plainAttribute(element, "output-token-variable-name"),
      };
    case "check-header":
      return {
        kind: "check-header",
        name: attributeOf(element, "name"),
        values: itemsOf(element, "value"),
        ignoreCase: attributeOf(element, "ignore-case"),
        failed: {
          httpCode: attributeOf(element, "failed-check-httpcode"),
          message: attributeOf(element, "failed-check-error-message"),
        },
      };
    case "ip-filter":
      return {
        kind: "ip-filter",
        action: attributeOf(element, "action"),
        addresses: itemsOf(element, "address"),
        ranges: childElements(element)
          .filter((child) => child.name === "address-range")
          .map((range) => ({ from: attributeOf(range, "from"), to: attributeOf(range, "to") })),
      };
    default:
      return { kind: "validate-client-certificate" };
  }
}

/**
 * "One of header-name, query-parameter-name or token-value must be specified": exactly one is the
 * source; none falls back to the policy's default header (validate-azure-ad-token) or is no source.
 */
function tokenSource(element: PolicyElement, defaultHeader: string | undefined): TokenSource | null {
  const header = attributeOf(element, "header-name");
  const query = attributeOf(element, "query-parameter-name");
  const value = attributeOf(element, "token-value");
  const given = [header, query, value].filter((candidate) => candidate !== null);
  if (given.length > 1) return null;
  if (header !== null) return { kind: "header", name: header };
  if (query !== null) return { kind: "query", name: query };
  if (value !== null) return { kind: "token-value", value };
  return defaultHeader === undefined ? null : { kind: "header", name: { text: defaultHeader, kind: "literal" } };
}

function requiredClaims(element: PolicyElement): ClaimRequirement[] {
  const list = childElements(element).find((child) => child.name === "required-claims");
  if (list === undefined) return [];
  return childElements(list)
    .filter((claim) => claim.name === "claim")
    .map((claim) => ({
      name: attributeOf(claim, "name") ?? { text: "", kind: "literal" },
      match: attributeOf(claim, "match"),
      separator: attributeOf(claim, "separator"),
      values: itemsOf(claim, "value"),
    }));
}

function failedValidation(element: PolicyElement): FailureResponse {
  return {
    httpCode: attributeOf(element, "failed-validation-httpcode"),
    message: attributeOf(element, "failed-validation-error-message"),
  };
}
