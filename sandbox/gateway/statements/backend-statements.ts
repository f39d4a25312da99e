import { attributeValue } from "../../../lib/policy";
import { PolicyError, UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { attribute, booleanAttribute, integerAttribute } from "../pipeline/policy-values";
import type { GatewayRuntime } from "../pipeline/exchange";
import type { Statement } from "./statement";

/**
 * set-backend-service (set-backend-service-policy.md): `base-url` replaces the backend URL,
 * `backend-id` routes to a backend entity (its URL, and at forwarding its credentials).
 * The Service Fabric attributes are not simulated.
 */
export const setBackendService: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  for (const attr of element.attributes) {
    if (attr.name.startsWith("sf-")) throw new UnsupportedInSandbox(`set-backend-service ${attr.name}`);
  }
  const backendId = attribute(element, "backend-id", exchange, runtime);
  if (backendId !== undefined) {
    const backend = runtime.catalog.backend(backendId);
    if (!backend) throw new UnsupportedInSandbox(`set-backend-service backend-id="${backendId}" (no such backend)`);
    exchange.backend = { url: backend.url, backendId: backend.id };
    return "continue";
  }
  const baseUrl = attribute(element, "base-url", exchange, runtime);
  if (baseUrl === undefined) throw new UnsupportedInSandbox("set-backend-service without base-url or backend-id");
  exchange.backend = { url: baseUrl, backendId: null };
  return "continue";
};

/**
 * authentication-managed-identity (authentication-managed-identity-policy.md): a token of
 * the system-assigned identity, or of the user-assigned one whose client id is given, for
 * `resource`; "After successfully obtaining the token, the policy will set the value of the
 * token in the Authorization header using the Bearer scheme", unless it goes to
 * output-token-variable-name. Without that identity, or when Entra refuses, the call fails
 * unless ignore-error is true.
 */
export const authenticationManagedIdentity: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  const resource = attribute(element, "resource", exchange, runtime);
  if (!resource) throw new UnsupportedInSandbox("authentication-managed-identity without resource");
  const clientId = attributeValue(element, "client-id");
  const output = attributeValue(element, "output-token-variable-name");
  const ignoreError = booleanAttribute(element, "ignore-error", false, exchange, runtime);
  let token: string;
  try {
    token = await managedIdentityToken(runtime, resource, clientId);
  } catch (error) {
    if (ignoreError) return "continue";
    throw new PolicyError("authentication-managed-identity", "ManagedIdentityTokenFailure", {
      status: 500,
      message: (error as Error).message,
    });
  }
  if (output !== undefined) exchange.variables.set(output, token);
  else exchange.requestHeaders.set("authorization", [`Bearer ${token}`]);
  return "continue";
};

/** A token for the service's system-assigned identity, or the attached user-assigned one with `clientId`. */
export async function managedIdentityToken(
  runtime: GatewayRuntime,
  resource: string,
  clientId: string | undefined,
): Promise<string> {
  const identity = runtime.catalog.identity();
  if (clientId === undefined) {
    if (!identity.systemAssigned)
      throw new Error("Managed identity is not enabled: the service has no system-assigned identity.");
    return runtime.managedIdentityTokens.token({
      ...identity.systemAssigned,
      resourceId: identity.serviceResourceId,
      resource,
    });
  }
  const userAssigned = identity.userAssigned.find(
    (candidate) => candidate.clientId.toLowerCase() === clientId.toLowerCase(),
  );
  if (!userAssigned) throw new Error(`Managed identity with client id ${clientId} is not assigned to the service.`);
  return runtime.managedIdentityTokens.token({
    principalId: userAssigned.principalId,
    clientId: userAssigned.clientId,
    resourceId: userAssigned.resourceId,
    resource,
  });
}

/** forward-request (forward-request-policy.md): sends the call to the backend; `timeout` in seconds (300). */
export const forwardRequest: Statement = async (run) => {
  const { element } = run.located;
  // The sandbox buffers whole bodies anyway; the other attributes change behaviour it does not simulate.
  for (const attr of element.attributes) {
    if (attr.name !== "timeout" && attr.name !== "buffer-request-body")
      throw new UnsupportedInSandbox(`forward-request ${attr.name}`);
  }
  const timeout = integerAttribute(element, "timeout", run.exchange, run.runtime) ?? 300;
  await run.runtime.forward(run.exchange, timeout);
  return "continue";
};
