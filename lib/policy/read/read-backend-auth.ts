/**
 * Finds backend authentication among the statements of the managed block (or, when adopting a
 * hand-written policy, the unconditional statements of `<inbound>`). Authentication the policy
 * does itself (managed identity, a header from a named value) wins over selecting a backend,
 * which hand-written policies also use just for routing.
 */
import { attributeValue, childElements, textContent, type PolicyElement } from "../document/policy-document";
import { backendAuthSchema, type BackendAuth } from "../profile-schema";
import { variableOfBearerExpression } from "../render/managed-identity-token";
import { checkedAgainst, refused, unknownAttributes, type StatementReading } from "./statement-reading";

export type BackendStatementReading =
  | { kind: "none" }
  /** Delivery through a backend entity: the rest is read from the entity. */
  | { kind: "backend"; backendId: string; statement: PolicyElement }
  | { kind: "policy"; reading: StatementReading<BackendAuth>; statements: PolicyElement[] };

export function readBackendStatements(candidates: readonly PolicyElement[]): BackendStatementReading {
  const managedIdentity = candidates.find((element) => element.name === "authentication-managed-identity");
  if (managedIdentity !== undefined) return readManagedIdentity(managedIdentity, candidates);
  const apiKeyHeader = candidates.find((element) => namedValueOfHeader(element) !== undefined);
  if (apiKeyHeader !== undefined) {
    const candidate = {
      mode: "apiKey",
      namedValue: namedValueOfHeader(apiKeyHeader),
      headerName: attributeValue(apiKeyHeader, "name"),
      delivery: "setHeader",
    };
    return { kind: "policy", reading: checkedAgainst(backendAuthSchema, candidate), statements: [apiKeyHeader] };
  }
  const selection = candidates.find(
    (element) => element.name === "set-backend-service" && attributeValue(element, "backend-id") !== undefined,
  );
  if (selection === undefined) return { kind: "none" };
  const extra = unknownAttributes(selection, ["backend-id", "id"]);
  if (extra.length > 0)
    return {
      kind: "policy",
      reading: refused(`set-backend-service also sets ${extra.join(", ")}`),
      statements: [selection],
    };
  return { kind: "backend", backendId: attributeValue(selection, "backend-id") ?? "", statement: selection };
}

/** True for `<set-header name="Authorization" exists-action="delete" />`, which drops the caller's token. */
export function dropsAuthorization(element: PolicyElement): boolean {
  return (
    element.name === "set-header" &&
    attributeValue(element, "name")?.toLowerCase() === "authorization" &&
    attributeValue(element, "exists-action") === "delete"
  );
}

function overridesHeader(element: PolicyElement): boolean {
  const action = attributeValue(element, "exists-action");
  return element.name === "set-header" && (action === undefined || action === "override");
}

/** The single value of an overriding set-header, when that value is exactly one `{{named value}}`. */
function namedValueOfHeader(element: PolicyElement): string | undefined {
  if (!overridesHeader(element)) return undefined;
  const values = childElements(element);
  if (values.length !== 1 || values[0]?.name !== "value") return undefined;
  return /^\{\{([^{}]+)\}\}$/.exec(textContent(values[0]).trim())?.[1];
}

function readManagedIdentity(statement: PolicyElement, candidates: readonly PolicyElement[]): BackendStatementReading {
  const extra = unknownAttributes(statement, ["resource", "client-id", "output-token-variable-name", "ignore-error"]);
  const ignoreError = attributeValue(statement, "ignore-error");
  if (extra.length > 0)
    return {
      kind: "policy",
      reading: refused(`authentication-managed-identity also sets ${extra.join(", ")}`),
      statements: [statement],
    };
  if (ignoreError !== undefined && ignoreError !== "false") {
    return {
      kind: "policy",
      reading: refused(`authentication-managed-identity sets ignore-error="${ignoreError}"`),
      statements: [statement],
    };
  }
  const candidate = {
    mode: "managedIdentity",
    resource: attributeValue(statement, "resource"),
    clientId: attributeValue(statement, "client-id"),
    delivery: "policy",
  };
  const variable = attributeValue(statement, "output-token-variable-name");
  // Without an output variable APIM sets Authorization itself.
  if (variable === undefined)
    return { kind: "policy", reading: checkedAgainst(backendAuthSchema, candidate), statements: [statement] };
  const header = candidates.find(
    (element) =>
      overridesHeader(element) &&
      attributeValue(element, "name")?.toLowerCase() === "authorization" &&
      variableOfBearerExpression(textContent(childElements(element)[0] ?? element)) === variable,
  );
  if (header === undefined) {
    return {
      kind: "policy",
      reading: refused(`the managed identity token in variable '${variable}' is not sent as the Authorization header`),
      statements: [statement],
    };
  }
  return { kind: "policy", reading: checkedAgainst(backendAuthSchema, candidate), statements: [statement, header] };
}
