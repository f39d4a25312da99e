import type { ApiManagementServiceResource } from "@azure/arm-apimanagement";
import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";

/** What the access analysis and the gateway need of the APIM service itself. */
export interface ApimService {
  /** Where callers reach the APIs, e.g. `https://contoso.azure-api.net`; null when ARM gives none. */
  gatewayUrl: string | null;
  /**
   * Every origin at which ARM says this service's gateway answers: its gateway URL, its regional
   * gateway URLs (its own and each additional location's) and its custom proxy host names. The
   * only gateways, besides VERIFY_GATEWAYS_ALLOWED, that verification probes may be sent to
   * (lib/verification/gateway-url.ts): the service's owner chose them, not whoever edits Portcullis.
   */
  gatewayOrigins: string[];
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
      properties?: GatewayProperties;
    };
    return toService(service.identity, service.properties ?? {});
  });
}

/** The service's properties that say where its gateway answers (ApiManagementServiceProperties). */
interface GatewayProperties {
  gatewayUrl?: string;
  gatewayRegionalUrl?: string;
  additionalLocations?: Array<{ gatewayRegionalUrl?: string }>;
  hostnameConfigurations?: Array<{ type?: string; hostName?: string }>;
}

function gatewayOrigins(properties: GatewayProperties): string[] {
  const origin = (url: string | undefined) => (url && URL.canParse(url) ? new URL(url).origin : undefined);
  const main = origin(properties.gatewayUrl);
  const mainHost = main === undefined ? undefined : new URL(main).hostname;
  // The default proxy host name is the gateway URL's own host, already there with its port.
  const customHosts = (properties.hostnameConfigurations ?? []).flatMap((hostname) =>
    hostname.type === "Proxy" && hostname.hostName && hostname.hostName.toLowerCase() !== mainHost
      ? [origin(`https://${hostname.hostName}`)]
      : [],
  );
  const origins = [
    main,
    origin(properties.gatewayRegionalUrl),
    ...(properties.additionalLocations ?? []).map((location) => origin(location.gatewayRegionalUrl)),
    ...customHosts,
  ];
  return [...new Set(origins.filter((url) => url !== undefined))];
}

function toService(
  serviceIdentity: ApiManagementServiceResource["identity"],
  properties: GatewayProperties,
): ApimService {
  const { type: _type, principalId, tenantId, userAssignedIdentities } = serviceIdentity ?? { type: "None" };
  const identity: ServiceIdentity = { type: identityType(serviceIdentity?.type) };
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
  return { gatewayUrl: properties.gatewayUrl ?? null, gatewayOrigins: gatewayOrigins(properties), identity };
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
