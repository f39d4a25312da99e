import {
  requestContentInvalid,
  resourceGroupNotFound,
  resourceTypeUnknown,
  serviceNotFound,
  subscriptionNotFound,
} from "../arm/front-door-errors";
import type { ServiceIdentity } from "./arm-exchange";

/**
 * Which resource an ARM path addresses. ARM compares path keywords and resource names
 * case-insensitively; the simulated service answers for one subscription, resource group
 * and service, and ARM's own 404s for any other.
 */
export type ArmTarget =
  | { resource: "service" }
  | { resource: "apis" | "namedValues" | "backends"; id?: string }
  | { resource: "namedValueAction"; id: string; action: "listValue" | "refreshSecret" }
  | { resource: "apiPolicies"; apiId: string; policyId?: string };

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
    case "apiPolicies":
      return "service/apis/policies";
    default:
      return `service/${target.resource}`;
  }
}

function childTarget(rest: string[]): ArmTarget | undefined {
  const [collection, id, child, childId, ...tooDeep] = rest;
  if (tooDeep.length > 0 || rest.some((segment) => segment === "")) return undefined;
  if (collection === undefined) return { resource: "service" };
  if (same(collection, "apis") && id !== undefined && same(child, "policies"))
    return { resource: "apiPolicies", apiId: id, policyId: childId };
  if (child !== undefined) {
    if (
      same(collection, "namedValues") &&
      id !== undefined &&
      childId === undefined &&
      (same(child, "listValue") || same(child, "refreshSecret"))
    ) {
      return { resource: "namedValueAction", id, action: same(child, "listValue") ? "listValue" : "refreshSecret" };
    }
    return undefined;
  }
  for (const resource of ["apis", "namedValues", "backends"] as const) {
    if (same(collection, resource)) return { resource, id };
  }
  return undefined;
}

function decode(segment: string, pathname: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw requestContentInvalid(`the path '${pathname}' is not correctly percent-encoded`);
  }
}
