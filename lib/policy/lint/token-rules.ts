/** Settings inside token validation that APIM rejects or that make validation meaningless. */
import { attributeValue, childElements, descendantElements, type PolicyElement } from "../document/policy-document";
import { findingAt, type LintFinding } from "./lint-finding";

export function tokenValidationFindings(root: PolicyElement): LintFinding[] {
  const findings: LintFinding[] = [];
  for (const element of descendantElements(root)) {
    if (element.name === "client-application-ids" || element.name === "backend-application-ids") {
      for (const id of childElements(element)) {
        if (id.children.some((child) => child.kind === "text" && child.isExpression)) {
          findings.push(
            findingAt(
              id,
              "expression-in-client-application-ids",
              "error",
              `<${element.name}> holds an expression; APIM rejects expressions there`,
            ),
          );
        }
      }
    }
    if (element.name === "validate-jwt") {
      if (attributeValue(element, "require-signed-tokens")?.toLowerCase() === "false") {
        findings.push(
          findingAt(
            element,
            "unsigned-tokens-accepted",
            "error",
            'require-signed-tokens="false" accepts unsigned tokens that anyone can forge',
          ),
        );
      }
      if (attributeValue(element, "require-expiration-time")?.toLowerCase() === "false") {
        findings.push(
          findingAt(
            element,
            "expiration-not-required",
            "warning",
            'require-expiration-time="false" accepts tokens that never expire',
          ),
        );
      }
    }
    if (element.name === "openid-config" && /^\s*http:/i.test(attributeValue(element, "url") ?? "")) {
      findings.push(
        findingAt(
          element,
          "insecure-openid-config",
          "error",
          "the OpenID configuration is fetched over http:, so its signing keys can be tampered with; use https:",
        ),
      );
    }
  }
  return findings;
}
