import type { ApimClient } from "./apim-client";
import type { ArmCallOptions } from "./call/arm-call";
import { policyPath, type PolicyScope } from "./operations/scope-policy";

/**
 * The client for one piece of work whose parts read the same entities (a plan reads the API's
 * policy and the named values for its diff, and again among the scopes of its effective-access
 * check): a second read of the same policy or of the named values while the work runs gets the
 * first one's answer instead of sending the same request. Both parts then judge one and the same
 * moment of APIM, and ARM sees each request once. The service and its backends are shared too: a
 * change set plans all its APIs of one instance with one (lib/deployments/plan/plan-reads.ts), so
 * what they all read of the service is read once for the set. Use a new one per piece of work: it
 * keeps every answer it gave, so it must not outlive the moment it describes.
 */
export function withSharedReads(apim: ApimClient): ApimClient {
  const reads = new Map<string, Promise<unknown>>();
  function once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = reads.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = read();
      reads.set(key, pending);
    }
    return pending;
  }
  const policy = (scope: PolicyScope, call?: ArmCallOptions) =>
    once(`policy ${policyPath(scope)}`, () => apim.getScopePolicy(scope, call));
  return {
    ...apim,
    getScopePolicy: policy,
    getApiPolicy: (apiName, call) => policy({ kind: "api", apiName }, call),
    listNamedValues: (call) => once("named values", () => apim.listNamedValues(call)),
    listBackends: (call) => once("backends", () => apim.listBackends(call)),
    getService: (call) => once("service", () => apim.getService(call)),
  };
}
