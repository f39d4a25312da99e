/**
 * The subscription key probes carry when the API requires one: without it APIM answers 401 before
 * any policy runs, so nothing the policy decides could be proven. The key is one of the service's
 * own subscriptions (read with listSecrets), kept in memory for this verification's probes only —
 * never stored, logged, audited or shown; what is recorded is the subscription's name and scope.
 */
import type { ApimClient, ApimProduct, ApimSubscription } from "../apim";

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

/** Lists the service's subscriptions, chooses one that opens the API and reads its key. */
export async function subscriptionForProbes(
  apim: ApimClient,
  api: { name: string; subscriptionKeyHeader: string },
  products: readonly ApimProduct[],
  call: { correlationId: string },
): Promise<ProbeSubscription> {
  const unreadable = (what: string, error: unknown) => ({
    ok: false as const,
    reason: `the API requires a subscription key, and ${what} could not be read (${(error as Error).message}); Portcullis's identity needs to list subscriptions and their secrets`,
  });
  let subscriptions: ApimSubscription[];
  try {
    subscriptions = (await apim.listSubscriptions(call)).value;
  } catch (error) {
    return unreadable("the service's subscriptions", error);
  }
  const choice = chooseSubscription(subscriptions, api.name, products);
  if (!choice.ok) return choice;
  let key: string | null;
  try {
    key = (await apim.getSubscriptionKey(choice.subscription.name, call)).value;
  } catch (error) {
    return unreadable(`the key of subscription '${choice.subscription.name}'`, error);
  }
  if (key === null)
    return {
      ok: false,
      reason: `the API requires a subscription key, and subscription '${choice.subscription.name}' has none`,
    };
  return {
    ok: true,
    header: api.subscriptionKeyHeader,
    key,
    subscription: choice.subscription,
    productName: choice.productName,
  };
}
