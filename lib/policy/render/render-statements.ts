/**
 * The inbound statements for a profile, in the order APIM must run them: validate the caller
 * first (before anything can forward the request or answer it), then authenticate to the backend.
 */
import type { AccessProfile, BackendAuth, CallerAuth, RequiredClaim } from "../profile-schema";
import { MANAGED_IDENTITY_TOKEN_VARIABLE, bearerFromVariableExpression } from "./managed-identity-token";
import { xmlElement, type XmlElement } from "./xml-writer";

export function renderStatements(profile: AccessProfile): XmlElement[] {
  const caller = callerValidation(profile.callerAuth);
  const backend = backendAuthentication(profile.backendAuth);
  return [
    ...(caller === undefined ? [] : [caller]),
    ...(dropsCallerToken(profile) ? [deleteCallerToken()] : []),
    ...backend,
  ];
}

/**
 * The caller's bearer token must not travel on to the model: it is not meant for it, and a backend
 * that sees both a key and a token may try the token. Backend authentication that sets
 * Authorization itself replaces it anyway; otherwise the validated token is removed.
 */
export function dropsCallerToken(profile: AccessProfile): boolean {
  if (profile.callerAuth.mode === "none" || profile.backendAuth.mode === "none") return false;
  return !setsAuthorizationInPolicy(profile.backendAuth);
}

function setsAuthorizationInPolicy(backend: BackendAuth): boolean {
  if (backend.mode === "managedIdentity") return backend.delivery === "policy";
  return (
    backend.mode === "apiKey" &&
    backend.delivery === "setHeader" &&
    backend.headerName.toLowerCase() === "authorization"
  );
}

function deleteCallerToken(): XmlElement {
  return xmlElement("set-header", [
    ["name", "Authorization"],
    ["exists-action", "delete"],
  ]);
}

function callerValidation(caller: CallerAuth): XmlElement | undefined {
  if (caller.mode === "none") return undefined;
  const { httpCode, message } = caller.failedValidation ?? {};
  const failed: Array<[string, string]> = [
    ...(httpCode === undefined ? [] : [["failed-validation-httpcode", String(httpCode)] as [string, string]]),
    ...(message === undefined ? [] : [["failed-validation-error-message", message] as [string, string]]),
  ];
  if (caller.mode === "entra") {
    return xmlElement(
      "validate-azure-ad-token",
      [["tenant-id", caller.tenantId], ["header-name", "Authorization"], ...failed],
      [
        list("client-application-ids", "application-id", caller.clientApplicationIds),
        ...optionalList("audiences", "audience", caller.audiences),
        ...requiredClaims(caller.requiredClaims),
      ],
    );
  }
  return xmlElement(
    "validate-jwt",
    [["header-name", "Authorization"], ["require-scheme", "Bearer"], ...failed],
    [
      xmlElement("openid-config", [["url", caller.openIdConfigUrl]]),
      list("audiences", "audience", caller.audiences),
      list("issuers", "issuer", caller.issuers),
      ...requiredClaims(caller.requiredClaims),
    ],
  );
}

function backendAuthentication(backend: BackendAuth): XmlElement[] {
  if (backend.mode === "none") return [];
  if (backend.delivery === "backend") return [xmlElement("set-backend-service", [["backend-id", backend.backendId]])];
  if (backend.mode === "apiKey") {
    return [setHeader(backend.headerName, `{{${backend.namedValue}}}`)];
  }
  const clientId: Array<[string, string]> = backend.clientId === undefined ? [] : [["client-id", backend.clientId]];
  return [
    xmlElement("authentication-managed-identity", [
      ["resource", backend.resource],
      ...clientId,
      ["output-token-variable-name", MANAGED_IDENTITY_TOKEN_VARIABLE],
    ]),
    setHeader("Authorization", bearerFromVariableExpression(MANAGED_IDENTITY_TOKEN_VARIABLE)),
  ];
}

function setHeader(name: string, value: string): XmlElement {
  return xmlElement(
    "set-header",
    [
      ["name", name],
      ["exists-action", "override"],
    ],
    [xmlElement("value", [], value)],
  );
}

function list(name: string, itemName: string, values: readonly string[]): XmlElement {
  return xmlElement(
    name,
    [],
    values.map((value) => xmlElement(itemName, [], value)),
  );
}

function optionalList(name: string, itemName: string, values: readonly string[]): XmlElement[] {
  return values.length === 0 ? [] : [list(name, itemName, values)];
}

function requiredClaims(claims: readonly RequiredClaim[]): XmlElement[] {
  if (claims.length === 0) return [];
  return [
    xmlElement(
      "required-claims",
      [],
      claims.map((claim) => {
        const separator: Array<[string, string]> =
          claim.separator === undefined ? [] : [["separator", claim.separator]];
        return xmlElement(
          "claim",
          [["name", claim.name], ["match", claim.match], ...separator],
          claim.values.map((value) => xmlElement("value", [], value)),
        );
      }),
    ),
  ];
}
