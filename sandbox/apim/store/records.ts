import type { StoredEntity } from "./entity-collection";

/**
 * What the simulator stores per entity. These are internal shapes: resources/*-contract.ts
 * turn them into the ARM contracts of the requested api-version.
 */
export interface KeyVaultStatus {
  code: string;
  message?: string;
  timeStampUtc: string;
}

export interface NamedValueRecord extends StoredEntity {
  displayName: string;
  secret: boolean;
  tags: string[];
  /** The plain value, or the value last fetched from Key Vault. Only listValue shows it. */
  value: string;
  keyVault?: { secretIdentifier: string; identityClientId?: string; lastStatus: KeyVaultStatus };
}

export interface BackendRecord extends StoredEntity {
  /** The contract properties as sent (minus `credentials.managedIdentity`). */
  properties: Record<string, unknown>;
  /** Only the preview api-version can see or set it (01-arm-rest-reference.md §3). */
  managedIdentity?: { resource: string; clientId?: string };
  /** Display names of the named values `{{…}}` in the credentials. */
  namedValueRefs: string[];
}

export interface ApiRecord extends StoredEntity {
  properties: Record<string, unknown>;
}

export interface ProductRecord extends StoredEntity {
  properties: Record<string, unknown>;
}

/**
 * An API's membership in a product. `name` is `{productId}:{apiId}` (":" cannot occur in
 * either identifier), spelled as the product and the API were created.
 */
export interface ProductApiRecord extends StoredEntity {
  productId: string;
  apiId: string;
}

/** An operation of an API; `name` is `{apiId}:{operationId}` (see ProductApiRecord). */
export interface OperationRecord extends StoredEntity {
  apiId: string;
  operationId: string;
  properties: Record<string, unknown>;
}

/**
 * A policy document at one scope. `name` is the scope's key (store/policy-scopes.ts): the
 * API's identifier for an API policy (as before there were other scopes), the product's for
 * a product policy, `{apiId}:{operationId}` for an operation policy, `policy` for the service.
 */
export interface PolicyRecord extends StoredEntity {
  /** The stored document as GET ?format=xml returns it. */
  xml: string;
  /** The same document as GET ?format=rawxml returns it. */
  rawxml: string;
  namedValueRefs: string[];
  backendRefs: string[];
}

/** An APIM subscription: the keys callers send to an API, a product or all APIs (`scope`). */
export interface SubscriptionRecord extends StoredEntity {
  displayName: string;
  /** `/apis`, `/apis/{apiId}` or `/products/{productId}`, relative to the service. */
  scope: string;
  state: "active" | "suspended" | "submitted" | "rejected" | "cancelled" | "expired";
  primaryKey: string;
  secondaryKey: string;
  allowTracing: boolean;
  createdDate: string;
  /** The APIM user owning it (an ARM id); the seeded subscriptions have none, like the built-in one. */
  ownerId?: string;
}

/**
 * An Azure role assignment (Microsoft.Authorization), kept by the simulator because the
 * sandbox model backend decides managed-identity access by them. `name` is its GUID.
 */
export interface RoleAssignmentRecord extends StoredEntity {
  /** ARM id of what it is assigned on, e.g. a Cognitive Services account. */
  scope: string;
  /** `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{guid}`. */
  roleDefinitionId: string;
  principalId: string;
  principalType: "ServicePrincipal" | "User" | "Group";
  createdOn: string;
}
