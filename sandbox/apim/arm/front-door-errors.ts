import { ArmError } from "./arm-error";

/**
 * Errors that ARM itself answers before a request reaches the APIM resource provider.
 * Their bodies have no `details` key. Sources are noted per function; "invented" ones have
 * no recording and are listed in README.md.
 */

/** Seen in many public reports (e.g. hashicorp/terraform-provider-azurerm#3612). */
export function authorizationMissing(): ArmError {
  return new ArmError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
}

/** Seen in public reports (Azure/azure-sdk-for-python#4124). */
export function authorizationMalformed(): ArmError {
  return new ArmError(
    401,
    "AuthenticationFailedInvalidHeader",
    "Authentication failed. The 'Authorization' header is provided in an invalid format.",
  );
}

/** ARM's generic answer to a token it cannot validate; the message wording is ARM's. */
export function tokenInvalid(): ArmError {
  return new ArmError(401, "InvalidAuthenticationToken", "The access token is invalid.");
}

/** Invented wording (ARM names the expiry times, which the simulator does not know). */
export function tokenExpired(): ArmError {
  return new ArmError(401, "ExpiredAuthenticationToken", "The access token has expired.");
}

/** ARM's code for a token minted for another audience; wording shortened. */
export function tokenWrongAudience(): ArmError {
  return new ArmError(
    401,
    "InvalidAuthenticationTokenAudience",
    "The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences 'https://management.azure.com/','https://management.core.windows.net/'.",
  );
}

/** ARM's well-known answer to a request without api-version. */
export function apiVersionMissing(): ArmError {
  return new ArmError(
    400,
    "MissingApiVersionParameter",
    "The api-version query parameter (?api-version=) is required for all requests.",
  );
}

/** Recorded form (Azure/bicep#15227) of an unsupported api-version; location is fixed. */
export function apiVersionUnsupported(
  apiVersion: string,
  resourceType: string,
  supported: readonly string[],
): ArmError {
  return new ArmError(
    400,
    "NoRegisteredProviderFound",
    `No registered resource provider found for location 'westeurope' and API version '${apiVersion}' for type '${resourceType}'. The supported api-versions are '${supported.join(", ")}'. The supported locations are 'westeurope'.`,
  );
}

/** ARM's well-known subscription-not-found answer. */
export function subscriptionNotFound(subscriptionId: string): ArmError {
  return new ArmError(404, "SubscriptionNotFound", `The subscription '${subscriptionId}' could not be found.`);
}

/** ARM's well-known resource-group-not-found answer. */
export function resourceGroupNotFound(resourceGroup: string): ArmError {
  return new ArmError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
}

/** Seen in public reports (Azure-Samples/azure-health-data-and-ai-samples#144). */
export function serviceNotFound(serviceName: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource 'Microsoft.ApiManagement/service/${serviceName}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** ARM's code for a path it cannot route; wording shortened. */
export function resourceTypeUnknown(path: string): ArmError {
  return new ArmError(
    400,
    "InvalidResourceType",
    `The resource type could not be found in the namespace 'Microsoft.ApiManagement' for path '${path}'.`,
  );
}

/** Invented: ARM has no recorded body for an unsupported method on a known path. */
export function methodNotAllowed(method: string): ArmError {
  return new ArmError(405, "MethodNotAllowed", `The requested resource does not support http method '${method}'.`);
}

/** ARM's code for an unreadable body; the parser detail is ours. */
export function requestContentInvalid(detail: string): ArmError {
  return new ArmError(
    400,
    "InvalidRequestContent",
    `The request content was invalid and could not be deserialized: '${detail}'.`,
  );
}

/**
 * Recorded form (webdevops/azure-metrics-exporter#36) of ARM's subscription throttling;
 * `operation` is ARM's upper-cased "METHOD/PATH-TEMPLATE".
 */
export function throttled(subscriptionId: string, operation: string, retryAfterSeconds: number): ArmError {
  return new ArmError(
    429,
    "SubscriptionRequestsThrottled",
    `Number of requests for subscription '${subscriptionId}' and operation '${operation}' exceeded the backend storage limit. Please try again after '${retryAfterSeconds}' seconds.`,
    undefined,
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/**
 * ARM's answer when the caller's role assignments lack the action (e.g.
 * `Microsoft.ApiManagement/service/products/policies/read`), worded as ARM words it; the
 * client and object ids ARM names are left out (the simulator does not keep them).
 */
export function authorizationFailed(action: string, scope: string): ArmError {
  return new ArmError(
    403,
    "AuthorizationFailed",
    `The client does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** Invented wording for injected 5xx faults; codes follow ARM's status names. */
export function serverError(status: 500 | 502 | 503 | 504, retryAfterSeconds?: number): ArmError {
  const codes = {
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
  } as const;
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { "Retry-After": String(retryAfterSeconds) };
  return new ArmError(
    status,
    codes[status],
    "The simulator injected this failure (sandbox fault).",
    undefined,
    headers,
  );
}
