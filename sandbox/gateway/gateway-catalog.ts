import type { PolicyFormat } from "../../lib/policy";

/**
 * What the gateway reads from the simulated service, in the terms it needs. The simulator
 * implements it over its store (simulator-catalog.ts); tests of the pipeline can too.
 */
export interface GatewayApi {
  id: string;
  name: string;
  /** The API's path below the gateway, without leading or trailing slashes ("" is allowed). */
  path: string;
  serviceUrl: string | null;
  subscriptionRequired: boolean;
  subscriptionKeyHeader: string;
  subscriptionKeyQuery: string;
}

export interface GatewayOperation {
  id: string;
  name: string;
  method: string;
  /** e.g. `/deployments/{deployment-id}/chat/completions` (a query part is ignored). */
  urlTemplate: string;
}

export interface PolicyText {
  text: string;
  format: PolicyFormat;
}

export interface GatewayBackend {
  id: string;
  url: string;
  header: Record<string, string[]>;
  query: Record<string, string[]>;
  authorization: { scheme: string; parameter: string } | null;
  managedIdentity: { resource: string; clientId?: string } | null;
}

export interface GatewayIdentity {
  /** ARM id of the service (the system-assigned identity's `xms_mirid`). */
  serviceResourceId: string;
  systemAssigned: { principalId: string; clientId: string } | null;
  userAssigned: { resourceId: string; principalId: string; clientId: string }[];
}

export interface GatewaySubscription {
  id: string;
  name: string;
  /** `/apis`, `/apis/{apiId}` or `/products/{productId}`. */
  scope: string;
  active: boolean;
}

export interface GatewayCatalog {
  apis(): GatewayApi[];
  /** The API's operations, in creation order. */
  operations(apiId: string): GatewayOperation[];
  globalPolicy(): PolicyText | undefined;
  productPolicy(productId: string): PolicyText | undefined;
  apiPolicy(apiId: string): PolicyText | undefined;
  operationPolicy(apiId: string, operationId: string): PolicyText | undefined;
  /** Whether the product holds the API (for a product-scoped subscription). */
  productHasApi(productId: string, apiId: string): boolean;
  productName(productId: string): string | undefined;
  /** The value of the named value with this display name (a Key Vault one's last fetched value). */
  namedValue(displayName: string): string | undefined;
  backend(id: string): GatewayBackend | undefined;
  identity(): GatewayIdentity;
  /** The subscription one of whose keys is `key`. */
  subscriptionByKey(key: string): GatewaySubscription | undefined;
}
