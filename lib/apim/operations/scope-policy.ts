import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import type { ApimContext } from "./apim-context";
import { getEntity } from "./entity-requests";

/**
 * The levels a policy document can sit at, broad to narrow; a call runs them joined by
 * `<base />`: the service (global), the product it came through, the API, the operation.
 */
export type PolicyScope =
  | { kind: "service" }
  | { kind: "product"; productName: string }
  | { kind: "api"; apiName: string }
  | { kind: "operation"; apiName: string; operationName: string };

/**
 * A policy document as APIM stores it. `xml` is APIM's re-serialised text (CRLF, its own
 * indentation, `=&gt;` in expressions): compare it semantically, never byte for byte.
 */
export interface ScopePolicy {
  xml: string;
  etag: string;
}

// The only policy id APIM has.
const POLICY_ID = "policy";

/**
 * The policy of `scope` as `format=xml` (expressions XML-escaped), or null when the scope has
 * none: APIM answers 404 then, which is an answer, not a failure. A raw request at every scope:
 * the SDK's policy `get` operations are generated as XML operations and return APIM's JSON
 * answer without its `value` (Azure/azure-sdk-for-js#31566, still so in 10.0.0).
 */
export function getScopePolicy(
  ctx: ApimContext,
  scope: PolicyScope,
  options: ArmCallOptions = {},
): Promise<ArmResult<ScopePolicy | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describePolicy(scope), async (call) => {
    const url = `${ctx.serviceUrl}${policyPath(scope)}?api-version=${ctx.apiVersion}&format=xml`;
    const found = await getEntity(ctx, call, url);
    if (found === null) return null;
    const { properties } = found.json as { properties?: { value?: string } };
    return { xml: properties?.value ?? "", etag: found.etag };
  });
}

/** `/apis/a/operations/o/policies/policy` and so on, below the service's URL. */
export function policyPath(scope: PolicyScope): string {
  const segment = encodeURIComponent;
  switch (scope.kind) {
    case "service":
      return `/policies/${POLICY_ID}`;
    case "product":
      return `/products/${segment(scope.productName)}/policies/${POLICY_ID}`;
    case "api":
      return `/apis/${segment(scope.apiName)}/policies/${POLICY_ID}`;
    case "operation":
      return `/apis/${segment(scope.apiName)}/operations/${segment(scope.operationName)}/policies/${POLICY_ID}`;
  }
}

/** How error messages name the policy, e.g. "policy of operation 'o' of API 'a'". */
export function describePolicy(scope: PolicyScope): string {
  switch (scope.kind) {
    case "service":
      return "global (service) policy";
    case "product":
      return `policy of product '${scope.productName}'`;
    case "api":
      return `policy of API '${scope.apiName}'`;
    case "operation":
      return `policy of operation '${scope.operationName}' of API '${scope.apiName}'`;
  }
}
