/**
 * Caller validation is defence in depth in front of backend authentication, never a replacement,
 * and it only protects what runs after it.
 */
import { childElements, descendantElements, type PolicyElement } from "../document/policy-document";
import { findingAt, type LintFinding } from "./lint-finding";
import { firstRiskyStatement, isBackendAuthentication, isCallerValidation } from "./statement-kinds";

export function callerValidationFindings(root: PolicyElement): LintFinding[] {
  const findings: LintFinding[] = [];
  const sections = root.name === "fragment" ? [root] : childElements(root);
  const validations = sections.flatMap((section) =>
    [...descendantElements(section)].filter(isCallerValidation).map((element) => ({ element, section })),
  );
  const requestSections = sections.filter(
    (section) => section.name === "inbound" || section.name === "backend" || section.name === "fragment",
  );
  const authenticatesBackend = requestSections.some((section) =>
    [...requestStatements(section)].some(isBackendAuthentication),
  );
  for (const { element, section } of validations) {
    if (section.name !== "inbound" && section.name !== "fragment") {
      findings.push(
        findingAt(
          element,
          "caller-validation-outside-inbound",
          "error",
          `<${element.name}> is in <${section.name}>; APIM allows it only in <inbound>`,
        ),
      );
      continue;
    }
    if (!authenticatesBackend && root.name !== "fragment") {
      findings.push(
        findingAt(
          element,
          "caller-validation-without-backend-auth",
          "error",
          `<${element.name}> validates callers but nothing authenticates APIM to the backend; caller validation is defence in depth, not a replacement`,
        ),
      );
    }
    const risky = statementsBefore(element, section)
      .map(firstRiskyStatement)
      .find((found) => found !== undefined);
    if (risky !== undefined) {
      findings.push(
        findingAt(
          element,
          "caller-validation-late",
          "error",
          `<${element.name}> runs after <${risky.name}> on line ${risky.start.line}, which can forward, answer or authenticate the request before the caller is validated`,
        ),
      );
    }
  }
  return findings;
}

// These hold statements that act on another message (a sub-request or the response), not the forwarded request.
const OTHER_MESSAGE = ["send-request", "send-one-way-request", "return-response", "mock-response"];

function* requestStatements(element: PolicyElement): Generator<PolicyElement> {
  yield element;
  if (OTHER_MESSAGE.includes(element.name)) return;
  for (const child of childElements(element)) yield* requestStatements(child);
}

/** The statements that run before `element`: earlier siblings of it and of each ancestor, except alternative branches of a choose. */
function statementsBefore(element: PolicyElement, section: PolicyElement): PolicyElement[] {
  const path = pathTo(section, element) ?? [];
  const before: PolicyElement[] = [];
  for (let depth = path.length - 1; depth > 0; depth--) {
    const parent = path[depth - 1] as PolicyElement;
    const child = path[depth] as PolicyElement;
    if (parent.name === "choose") continue;
    const siblings = childElements(parent);
    before.push(...siblings.slice(0, siblings.indexOf(child)));
  }
  return before;
}

function pathTo(from: PolicyElement, target: PolicyElement): PolicyElement[] | undefined {
  if (from === target) return [from];
  for (const child of childElements(from)) {
    const rest = pathTo(child, target);
    if (rest !== undefined) return [from, ...rest];
  }
  return undefined;
}
