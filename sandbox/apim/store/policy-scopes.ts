import type { ApimState } from "./apim-state";
import type { EntityCollection } from "./entity-collection";
import type { PolicyRecord } from "./records";

/**
 * The levels a policy document can sit at (03-policy-reference.md §0), broad to narrow. A
 * request through the gateway runs them joined by `<base />`: service, product, API, operation.
 */
export type PolicyScope =
  | { kind: "service" }
  | { kind: "product"; productId: string }
  | { kind: "api"; apiId: string }
  | { kind: "operation"; apiId: string; operationId: string };

/** The key of a child entity, `{parent}:{child}`: ":" is not allowed in APIM identifiers. */
export function childKey(parent: string, child: string): string {
  return `${parent}:${child}`;
}

/** The collection and key holding the policy of `scope`. */
export function policySlot(
  state: ApimState,
  scope: PolicyScope,
): { collection: EntityCollection<PolicyRecord>; key: string } {
  switch (scope.kind) {
    case "service":
      return { collection: state.servicePolicies, key: "policy" };
    case "product":
      return { collection: state.productPolicies, key: scope.productId };
    case "api":
      return { collection: state.policies, key: scope.apiId };
    case "operation":
      return { collection: state.operationPolicies, key: childKey(scope.apiId, scope.operationId) };
  }
}

/** The policy document at `scope`, if there is one. */
export function policyAt(state: ApimState, scope: PolicyScope): PolicyRecord | undefined {
  const { collection, key } = policySlot(state, scope);
  return collection.get(key);
}

/**
 * Every stored policy with the service-relative path APIM names it by in "used by" errors,
 * e.g. `/apis/a/operations/o/policies/policy`, and the collection that holds it.
 */
export function everyPolicy(
  state: ApimState,
): Array<{ path: string; record: PolicyRecord; collection: EntityCollection<PolicyRecord> }> {
  const entries = (collection: EntityCollection<PolicyRecord>, parentPath: (record: PolicyRecord) => string) =>
    collection.list().map((record) => ({ path: `${parentPath(record)}/policies/policy`, record, collection }));
  return [
    ...entries(state.servicePolicies, () => ""),
    ...entries(state.productPolicies, (record) => `/products/${record.name}`),
    ...entries(state.policies, (record) => `/apis/${record.name}`),
    ...entries(state.operationPolicies, (record) => {
      const [apiId, operationId] = record.name.split(":");
      return `/apis/${apiId}/operations/${operationId}`;
    }),
  ];
}
