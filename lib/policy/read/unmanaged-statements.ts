/**
 * Statements that bear on authentication but that the profile does not manage: a second or
 * conditional token validation, a send-request token flow, a backend selected for routing,
 * headers carrying secrets. They are reported so an admin adopting an API sees what stays as is.
 */
import { attributeValue, childElements, textContent, type PolicyElement } from "../document/policy-document";

export interface UnmanagedStatement {
  element: string;
  /** The policy section it is in: inbound, backend, outbound or on-error. */
  section: string;
  line: number;
  column: number;
  reason: string;
}

const WHAT_IT_DOES: Record<string, string> = {
  "validate-jwt": "validates caller tokens",
  "validate-azure-ad-token": "validates caller tokens",
  "validate-client-certificate": "validates caller certificates",
  "check-header": "checks a request header",
  "authentication-managed-identity": "authenticates with a managed identity",
  "authentication-basic": "authenticates to the backend with basic auth",
  "authentication-certificate": "authenticates to the backend with a client certificate",
  "get-authorization-context": "fetches credentials from a credential manager connection",
  "send-request": "sends a request (for example a token flow)",
  "set-backend-service": "selects a backend",
  "include-fragment": "includes a policy fragment that may authenticate",
  "set-header": "sets a credential header",
};

/** Whether `element` bears on authentication (credential headers: Authorization, or any value with a named value). */
function bearsOnAuthentication(element: PolicyElement): boolean {
  if (element.name === "check-header") return attributeValue(element, "name")?.toLowerCase() === "authorization";
  if (element.name === "set-header") {
    return (
      attributeValue(element, "name")?.toLowerCase() === "authorization" ||
      childElements(element).some((value) => textContent(value).includes("{{"))
    );
  }
  return element.name in WHAT_IT_DOES;
}

/**
 * Lists the authentication statements of every section that are not in `managed`. `blockStatements`
 * are the elements inside the engine's block that it did not recognise as its own.
 */
export function findUnmanagedStatements(
  root: PolicyElement,
  managed: ReadonlySet<PolicyElement>,
  blockStatements: ReadonlySet<PolicyElement>,
): UnmanagedStatement[] {
  const found: UnmanagedStatement[] = [];
  // A fragment holds statements directly; a policy holds them in its sections.
  const sections = root.name === "fragment" ? [root] : childElements(root);
  for (const section of sections) {
    for (const child of childElements(section)) visit(child, section.name, [], found, managed, blockStatements);
  }
  return found;
}

function visit(
  element: PolicyElement,
  section: string,
  ancestors: readonly string[],
  found: UnmanagedStatement[],
  managed: ReadonlySet<PolicyElement>,
  blockStatements: ReadonlySet<PolicyElement>,
): void {
  if (managed.has(element)) return;
  const report = (reason: string) =>
    found.push({ element: element.name, section, line: element.start.line, column: element.start.column, reason });
  if (blockStatements.has(element)) {
    report("stands inside the Portcullis block but is not what the engine writes; the next push replaces it");
    return;
  }
  if (bearsOnAuthentication(element)) {
    const what = WHAT_IT_DOES[element.name] ?? element.name;
    const where =
      ancestors.length > 0
        ? `conditionally (inside <${ancestors[ancestors.length - 1]}>)`
        : section === "inbound" || section === "fragment"
          ? "outside the profile"
          : `in <${section}>`;
    report(`${what} ${where}; kept as it is`);
    // What a send-request or validation holds is part of that statement, not separate.
    return;
  }
  for (const child of childElements(element))
    visit(child, section, [...ancestors, element.name], found, managed, blockStatements);
}
