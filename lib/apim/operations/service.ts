import type { ApiManagementServiceResource } from "@azure/arm-apimanagement";
import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";

/** What the access analysis and the gateway need of the APIM service itself. */
export interface ApimService {
  /** Where callers reach the APIs, e.g. `https://contoso.azure-api.net`; null when ARM gives none. */
  gatewayUrl: string | null;
  identity: ServiceIdentity;
}

/**
 * The service's managed identities in ARM's shape (ApiManagementServiceIdentity): what
 * `authentication-managed-identity` (without `client-id`: the system-assigned one; with it: a
 * user-assigned one, by client id) and Key Vault named values can authenticate as.
 */
export interface ServiceIdentity {
  type: "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned";
  /** Of the system-assigned identity. */
  principalId?: string;
  tenantId?: string;
  /** By the identity's ARM resource id, `/subscriptions/…/userAssignedIdentities/{name}`. */
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

/** The service's gateway URL and managed identities, from the service GET. */
export function getService(ctx: ApimContext, options: ArmCallOptions = {}): Promise<ArmResult<ApimService>> {
  return runArmCall(options, ctx.callTimeoutMs, `service '${ctx.instance.serviceName}'`, async (call) => {
    const url = `${ctx.serviceUrl}?api-version=${ctx.apiVersion}`;
    const service = jsonBody(expectSuccess(await ctx.transport.send(call, { method: "GET", url }))) as {
      identity?: ApiManagementServiceResource["identity"];
      properties?: { gatewayUrl?: string };
    };
    return toService({ identity: service.identity, gatewayUrl: service.properties?.gatewayUrl });
  });
}

function toService(service: Pick<ApiManagementServiceResource, "identity" | "gatewayUrl">): ApimService {
  const { type: _type, principalId, tenantId, userAssignedIdentities } = service.identity ?? { type: "None" };
  const identity: ServiceIdentity = { type: identityType(service.identity?.type) };
  if (principalId !== undefined) identity.principalId = principalId;
  if (tenantId !== undefined) identity.tenantId = tenantId;
  if (userAssignedIdentities !== undefined) {
    identity.userAssignedIdentities = Object.fromEntries(
      Object.entries(userAssignedIdentities).map(([resourceId, { principalId, clientId }]) => [
        resourceId,
        { ...(principalId === undefined ? {} : { principalId }), ...(clientId === undefined ? {} : { clientId }) },
      ]),
    );
  }
  return { gatewayUrl: service.gatewayUrl ?? null, identity };
}

/** ARM's identity type, read by its parts so that spacing or order cannot hide one. */
function identityType(type: string | undefined): ServiceIdentity["type"] {
  const parts = new Set((type ?? "").split(",").map((part) => part.trim()));
  const system = parts.has("SystemAssigned");
  const user = parts.has("UserAssigned");
  if (system && user) return "SystemAssigned, UserAssigned";
  if (system) return "SystemAssigned";
  return user ? "UserAssigned" : "None";
}
