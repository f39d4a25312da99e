/**
 * The subscription key probes carry when the API requires one: without it APIM answers 401 before
 * any policy runs, so nothing the policy decides could be proven. The key is one of the service's
 * own subscriptions (read with listSecrets), kept in memory for the probes of this verification (or batch) only —
 * never stored, logged, audited or shown; what is recorded is the subscription's name and scope.
 */
import type { ApimProduct, ApimSubscription } from "../apim";
import type { ServiceReads } from "./service-reads";

/** Which subscription opens the API, and through which product (whose policy then runs), if any. */
export type SubscriptionChoice =
  { ok: true; subscription: ApimSubscription; productName: string | null } | { ok: false; reason: string };

/**
 * The subscription whose key the gateway accepts for the API, as APIM matches a key to an API:
 * active, and scoped to the API itself, to all APIs, or to a product that holds the API. A key of
 * the API or of all APIs is preferred: its calls run no product policy, so the probes prove the
 * API's own path; a product's key proves the path through that product.
 */
export function chooseSubscription(
  subscriptions: readonly ApimSubscription[],
  apiName: string,
  products: readonly ApimProduct[],
): SubscriptionChoice {
  const active = subscriptions.filter((subscription) => subscription.state.toLowerCase() === "active");
  const scoped = (scope: string) => active.find((subscription) => subscription.scope.toLowerCase() === scope);
  const direct = scoped(`/apis/${apiName.toLowerCase()}`) ?? scoped("/apis");
  if (direct) return { ok: true, subscription: direct, productName: null };
  for (const product of products) {
    const found = scoped(`/products/${product.name.toLowerCase()}`);
    if (found) return { ok: true, subscription: found, productName: product.name };
  }
  const inactive = subscriptions.length - active.length;
  return {
    ok: false,
    reason: `the API requires a subscription key, and the service has no active subscription to the API, to all APIs or to a product holding it${inactive > 0 ? ` (${inactive} subscription${inactive === 1 ? " is" : "s are"} not active)` : ""}`,
  };
}

export type ProbeSubscription =
  | {
      ok: true;
      /** The header the API takes the key in, and the key: for the probes' requests only. */
      header: string;
      key: string;
      subscription: ApimSubscription;
      productName: string | null;
    }
  | { ok: false; reason: string };

/** Chooses, from the service's subscriptions, one that opens the API and reads its key (both through `reads`). */
export async function subscriptionForProbes(
  reads: Pick<ServiceReads, "subscriptions" | "subscriptionKey">,
  api: { name: string; subscriptionKeyHeader: string },
  products: readonly ApimProduct[],
): Promise<ProbeSubscription> {
  const unreadable = (what: string, problem: string) => ({
    ok: false as const,
    reason: `the API requires a subscription key, and ${what} could not be read (${problem}); Portcullis's identity needs to list subscriptions and their secrets`,
  });
  const subscriptions = await reads.subscriptions();
  if (!subscriptions.ok) return unreadable("the service's subscriptions", subscriptions.problem);
  const choice = chooseSubscription(subscriptions.value, api.name, products);
  if (!choice.ok) return choice;
  const key = await reads.subscriptionKey(choice.subscription.name);
  if (!key.ok) return unreadable(`the key of subscription '${choice.subscription.name}'`, key.problem);
  if (key.value === null)
    return {
      ok: false,
      reason: `the API requires a subscription key, and subscription '${choice.subscription.name}' has none`,
    };
  return {
    ok: true,
    header: api.subscriptionKeyHeader,
    key: key.value,
    subscription: choice.subscription,
    productName: choice.productName,
  };
}
