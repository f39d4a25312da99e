import { requestContentInvalid, resourceGroupNotFound, subscriptionNotFound } from "../../arm/front-door-errors";
import type { ServiceIdentity } from "../arm-exchange";

/** A role-assignment path below a Cognitive Services account of the simulated subscription. */
export interface RoleAssignmentTarget {
  /** The account's name, as the path spells it. */
  accountName: string;
  /** The roleAssignmentName (a GUID), absent for the collection. */
  name?: string;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/providers/Microsoft.Authorization/roleAssignments[/{name}]`
 * (Azure RBAC at a model account's scope, RoleAssignments_*ForResource in 2022-04-01), or
 * undefined for any other path, which the APIM routes then answer. Another subscription or
 * resource group gets ARM's 404s.
 */
export function parseRoleAssignmentPath(pathname: string, service: ServiceIdentity): RoleAssignmentTarget | undefined {
  const segments = pathname.split("/").slice(1);
  const [subscriptions, subscriptionId, groups, group, providers, namespace, accounts, accountName, ...rest] = segments;
  const [authProviders, authNamespace, roleAssignments, name, ...tooDeep] = rest;
  if (
    !same(subscriptions, "subscriptions") ||
    !same(groups, "resourceGroups") ||
    !same(providers, "providers") ||
    !same(namespace, "Microsoft.CognitiveServices") ||
    !same(accounts, "accounts") ||
    !accountName ||
    !same(authProviders, "providers") ||
    !same(authNamespace, "Microsoft.Authorization") ||
    !same(roleAssignments, "roleAssignments") ||
    name === "" ||
    tooDeep.length > 0
  )
    return undefined;
  if (!same(subscriptionId, service.subscriptionId)) throw subscriptionNotFound(subscriptionId ?? "");
  if (!same(group, service.resourceGroup)) throw resourceGroupNotFound(group ?? "");
  return name === undefined
    ? { accountName: decode(accountName, pathname) }
    : { accountName: decode(accountName, pathname), name: decode(name, pathname) };
}

function decode(segment: string, pathname: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw requestContentInvalid(`the path '${pathname}' is not correctly percent-encoded`);
  }
}
