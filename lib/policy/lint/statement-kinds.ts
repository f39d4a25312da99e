/** What lint needs to know about statements: which validate callers, authenticate to backends, or may let a request past. */
import {
  attributeValue,
  childElements,
  descendantElements,
  textContent,
  type PolicyElement,
} from "../document/policy-document";

export function isCallerValidation(element: PolicyElement): boolean {
  return element.name === "validate-jwt" || element.name === "validate-azure-ad-token";
}

/** Headers that carry credentials to a backend (lower case). */
export const CREDENTIAL_HEADERS = ["authorization", "api-key", "ocp-apim-subscription-key", "x-api-key"];

/** A statement that authenticates APIM to the backend (or selects a backend entity that may carry credentials). */
export function isBackendAuthentication(element: PolicyElement): boolean {
  if (element.name.startsWith("authentication-")) return true;
  if (element.name === "set-backend-service") return attributeValue(element, "backend-id") !== undefined;
  if (element.name !== "set-header" || attributeValue(element, "exists-action") === "delete") return false;
  const name = attributeValue(element, "name")?.toLowerCase() ?? "";
  return CREDENTIAL_HEADERS.includes(name) || childElements(element).some((value) => textContent(value).includes("{{"));
}

// Statements that send the request (or data from it) somewhere.
const SENDS = ["forward-request", "send-request", "send-one-way-request", "invoke-dapr-binding", "publish-to-dapr"];
// Statements that answer the caller, or may serve the answer from a cache.
const ANSWERS = [
  "return-response",
  "mock-response",
  "cache-lookup",
  "azure-openai-semantic-cache-lookup",
  "llm-semantic-cache-lookup",
];
/** Whether a statement sends the request or data somewhere, or answers the caller (so must not run before caller validation). */
export function sendsOrAnswers(name: string): "sends" | "answers" | undefined {
  if (SENDS.includes(name)) return "sends";
  return ANSWERS.includes(name) ? "answers" : undefined;
}

/** The first statement inside `element` (or itself) that must not run before caller validation. */
export function firstRiskyStatement(element: PolicyElement): PolicyElement | undefined {
  for (const candidate of descendantElements(element)) {
    if (sendsOrAnswers(candidate.name) !== undefined || isBackendAuthentication(candidate)) return candidate;
  }
  return undefined;
}
