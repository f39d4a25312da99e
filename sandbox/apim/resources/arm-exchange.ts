import type { ApiVersion } from "../arm/api-versions";
import type { LongRunningOperations } from "../lro/long-running-operations";
import type { ApimState } from "../store/apim-state";
import type { SimulatedKeyVault } from "./named-values/simulated-key-vault";

/** One ARM request as the resource handlers see it: authenticated, api-version checked. */
export interface ArmRequest {
  method: string;
  url: URL;
  ifMatch: string | undefined;
  /** The parsed JSON body; undefined when the request had none. */
  body: unknown;
  apiVersion: ApiVersion;
}

/** What a handler answers; the HTTP layer adds ARM's standard headers. */
export interface ArmResponse {
  status: number;
  etag?: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ServiceIdentity {
  subscriptionId: string;
  resourceGroup: string;
  serviceName: string;
  location: string;
}

/**
 * The service's managed identities (ApiManagementServiceIdentity): `type` is `None`,
 * `SystemAssigned`, `UserAssigned` or `SystemAssigned, UserAssigned`; `principalId` and
 * `tenantId` belong to the system-assigned identity; user-assigned ones are keyed by their
 * ARM resource id.
 */
export interface ServiceManagedIdentity {
  type: "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned";
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId: string; clientId: string }>;
}

/** Everything a handler may use. */
export interface SimulatorContext {
  state: ApimState;
  lro: LongRunningOperations;
  keyVault: SimulatedKeyVault;
  service: ServiceIdentity;
  /** What the service GET answers as `gatewayUrl` (where the sandbox gateway listens). */
  gatewayUrl: string;
  identity: ServiceManagedIdentity;
  /** The simulator's ARM endpoint, e.g. https://127.0.0.1:8443, for nextLink and Location. */
  publicOrigin: string;
  /** Page size of collections when the client sends no $top. */
  pageSize: number;
}

export function servicePath(service: ServiceIdentity): string {
  return `/subscriptions/${service.subscriptionId}/resourceGroups/${service.resourceGroup}/providers/Microsoft.ApiManagement/service/${service.serviceName}`;
}

/** 200 with the entity and its ETag, or 200 with only the ETag for HEAD (GetEntityTag). */
export function entityResponse(request: ArmRequest, etag: string, body: unknown, status = 200): ArmResponse {
  return request.method === "HEAD" ? { status, etag } : { status, etag, body };
}
