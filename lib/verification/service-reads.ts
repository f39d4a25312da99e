/**
 * What every verification of one service reads besides its API's own scopes: the plain named
 * values, the backends, the subscriptions and a subscription's key. Each is read once per
 * ServiceReads, on first use: a single "Verify access" makes its own (all of them started in its
 * first round, beside the API's scopes), and "Verify all" shares one across its batch, so a batch
 * of N APIs lists them once instead of N times (and reads each subscription's key once). Keys stay
 * in this object's memory for the verifications that use it, never stored, logged or shown.
 */
import type { ApimClient, ApimSubscription } from "../apim";
import type { BackendEntityProperties } from "../policy";

export type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface ServiceReads {
  plainNamedValues(): Promise<Outcome<Array<{ displayName: string; value: string }>>>;
  /** Backend entities' ARM `properties` by name; undefined when they could not be read. */
  backends(): Promise<Record<string, BackendEntityProperties> | undefined>;
  subscriptions(): Promise<Outcome<ApimSubscription[]>>;
  subscriptionKey(name: string): Promise<Outcome<string | null>>;
}

export function serviceReads(apim: ApimClient, call: { correlationId: string }): ServiceReads {
  const settle = <T>(promise: Promise<T>): Promise<Outcome<T>> =>
    promise.then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, problem: (error as Error).message }),
    );
  let plain: ReturnType<ServiceReads["plainNamedValues"]> | undefined;
  let backends: ReturnType<ServiceReads["backends"]> | undefined;
  let subscriptions: ReturnType<ServiceReads["subscriptions"]> | undefined;
  const keys = new Map<string, Promise<Outcome<string | null>>>();
  return {
    plainNamedValues: () => (plain ??= settle(apim.listPlainNamedValues(call).then((result) => result.value))),
    backends: () =>
      (backends ??= apim.listBackends(call).then(
        (result) =>
          Object.fromEntries(
            result.value.map((backend) => [backend.name, backend.properties as BackendEntityProperties]),
          ),
        () => undefined,
      )),
    subscriptions: () => (subscriptions ??= settle(apim.listSubscriptions(call).then((result) => result.value))),
    subscriptionKey: (name) => {
      let key = keys.get(name);
      if (!key) {
        key = settle(apim.getSubscriptionKey(name, call).then((result) => result.value));
        keys.set(name, key);
      }
      return key;
    },
  };
}
