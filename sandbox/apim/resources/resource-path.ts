import {
  requestContentInvalid,
  resourceGroupNotFound,
  resourceTypeUnknown,
  serviceNotFound,
  subscriptionNotFound,
} from "../arm/front-door-errors";
import type { PolicyScope } from "../store/policy-scopes";
import type { ServiceIdentity } from "./arm-exchange";

/**
 * Which resource an ARM path addresses. ARM compares path keywords and resource names
 * case-insensitively; the simulated service answers for one subscription, resource group
 * and service, and ARM's own 404s for any other.
 */
export type ArmTarget =
  | { resource: "service" }
  | { resource: EntityResource; id?: string }
  | { resource: "namedValueAction"; id: string; action: "listValue" | "refreshSecret" }
  | { resource: "subscriptionAction"; id: string; action: SubscriptionAction }
  | { resource: "policies"; scope: PolicyScope; policyId?: string }
  | { resource: "operations"; apiId: string; id?: string }
  | { resource: "productApis"; productId: string; apiId?: string }
  | { resource: "apiProducts"; apiId: string };

/** Collections directly below the service whose entities are addressed by one identifier. */
export type EntityResource = "apis" | "namedValues" | "backends" | "products" | "subscriptions";
const entityResources: readonly EntityResource[] = ["apis", "namedValues", "backends", "products", "subscriptions"];
const subscriptionActions = ["listSecrets", "regeneratePrimaryKey", "regenerateSecondaryKey"] as const;
export type SubscriptionAction = (typeof subscriptionActions)[number];

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function parseArmPath(pathname: string, service: ServiceIdentity): ArmTarget {
  const segments = pathname
    .split("/")
    .slice(1)
    .map((segment) => decode(segment, pathname));
  const [
    subscriptions,
    subscriptionId,
    resourceGroups,
    resourceGroup,
    providers,
    namespace,
    serviceKeyword,
    serviceName,
    ...rest
  ] = segments;
  if (!same(subscriptions, "subscriptions") || subscriptionId === undefined || subscriptionId === "")
    throw resourceTypeUnknown(pathname);
  if (!same(subscriptionId, service.subscriptionId)) throw subscriptionNotFound(subscriptionId);
  if (!same(resourceGroups, "resourceGroups") || resourceGroup === undefined) throw resourceTypeUnknown(pathname);
  if (!same(resourceGroup, service.resourceGroup)) throw resourceGroupNotFound(resourceGroup);
  if (
    !same(providers, "providers") ||
    !same(namespace, "Microsoft.ApiManagement") ||
    !same(serviceKeyword, "service") ||
    serviceName === undefined
  ) {
    throw resourceTypeUnknown(pathname);
  }
  if (!same(serviceName, service.serviceName)) throw serviceNotFound(serviceName, resourceGroup);
  const target = childTarget(rest);
  if (target === undefined) throw resourceTypeUnknown(pathname);
  return target;
}

/** The ARM resource type, as ARM names it in api-version errors. */
export function resourceTypeOf(target: ArmTarget): string {
  switch (target.resource) {
    case "service":
      return "service";
    case "namedValueAction":
      return "service/namedValues";
    case "subscriptionAction":
      return "service/subscriptions";
    case "policies":
      return `${scopeTypePath(target.scope)}/policies`;
    case "operations":
      return "service/apis/operations";
    case "productApis":
      return "service/products/apis";
    case "apiProducts":
      return "service/apis/products";
    default:
      return `service/${target.resource}`;
  }
}

/** `service/apis/operations` for an operation's policy, and so on. */
function scopeTypePath(scope: PolicyScope): string {
  switch (scope.kind) {
    case "service":
      return "service";
    case "product":
      return "service/products";
    case "api":
      return "service/apis";
    case "operation":
      return "service/apis/operations";
  }
}

function childTarget(rest: string[]): ArmTarget | undefined {
  if (rest.some((segment) => segment === "")) return undefined;
  const [collection, id, child, childId, grandChild, grandChildId, ...tooDeep] = rest;
  if (tooDeep.length > 0) return undefined;
  if (collection === undefined) return { resource: "service" };
  if (same(collection, "policies")) return child === undefined ? policies({ kind: "service" }, id) : undefined;
  const resource = entityResources.find((candidate) => same(collection, candidate));
  if (resource === undefined) return undefined;
  if (child === undefined) return { resource, id };
  if (id === undefined) return undefined;
  if (grandChild !== undefined) {
    // Only an operation has children two levels down: its policies.
    if (resource !== "apis" || !same(child, "operations") || childId === undefined || !same(grandChild, "policies"))
      return undefined;
    return policies({ kind: "operation", apiId: id, operationId: childId }, grandChildId);
  }
  if (resource === "namedValues" && childId === undefined && (same(child, "listValue") || same(child, "refreshSecret")))
    return { resource: "namedValueAction", id, action: same(child, "listValue") ? "listValue" : "refreshSecret" };
  const subscriptionAction = subscriptionActions.find((action) => same(child, action));
  if (resource === "subscriptions" && childId === undefined && subscriptionAction !== undefined)
    return { resource: "subscriptionAction", id, action: subscriptionAction };
  if (resource === "apis") {
    if (same(child, "policies")) return policies({ kind: "api", apiId: id }, childId);
    if (same(child, "operations")) return { resource: "operations", apiId: id, id: childId };
    if (same(child, "products") && childId === undefined) return { resource: "apiProducts", apiId: id };
  }
  if (resource === "products") {
    if (same(child, "policies")) return policies({ kind: "product", productId: id }, childId);
    if (same(child, "apis")) return { resource: "productApis", productId: id, apiId: childId };
  }
  return undefined;
}

function policies(scope: PolicyScope, policyId: string | undefined): ArmTarget {
  return { resource: "policies", scope, policyId };
}

function decode(segment: string, pathname: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw requestContentInvalid(`the path '${pathname}' is not correctly percent-encoded`);
  }
}
