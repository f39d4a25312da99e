import type { SubscriptionContract, SubscriptionKeysContract } from "@azure/arm-apimanagement";
import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import type { ApimContext } from "./apim-context";
import { expectSuccess, jsonBody } from "../raw-request";
import { flattened, listAll, type ListOptions } from "./collect-pages";

/**
 * An APIM subscription as verification needs it: what its key opens. ARM lists subscriptions
 * without their keys; a key is only read with `listSecrets` (getSubscriptionKey).
 */
export interface ApimSubscription {
  /** ARM name (the subscription id), e.g. `sandbox-all-apis`. */
  name: string;
  displayName: string;
  /** Below the service, as APIM's gateway compares it: `/apis`, `/apis/{api}` or `/products/{product}`. */
  scope: string;
  /** `active`, `suspended`, `submitted`, `rejected`, `cancelled` or `expired`: only an active key opens anything. */
  state: string;
}

/** All subscriptions of the service (without keys), following `nextLink` across pages. */
export function listSubscriptions(
  ctx: ApimContext,
  options: ListOptions<ApimSubscription> = {},
): Promise<ArmResult<ApimSubscription[]>> {
  const { serviceName } = ctx.instance;
  return listAll(
    ctx,
    `the subscriptions of service '${serviceName}'`,
    `${ctx.serviceUrl}/subscriptions?api-version=${ctx.apiVersion}`,
    (entity) => toSubscription(flattened<SubscriptionContract>(entity), serviceName),
    options,
  );
}

/**
 * The primary key of one subscription (`listSecrets`). A secret: the caller keeps it in memory for
 * the requests that need it and never stores, logs or returns it; neither does this module (the
 * trace holds request ids and statuses only).
 */
export function getSubscriptionKey(
  ctx: ApimContext,
  subscriptionName: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<string | null>> {
  return runArmCall(options, ctx.callTimeoutMs, `the keys of subscription '${subscriptionName}'`, async (call) => {
    const url = `${ctx.serviceUrl}/subscriptions/${encodeURIComponent(subscriptionName)}/listSecrets?api-version=${ctx.apiVersion}`;
    const response = expectSuccess(await ctx.transport.send(call, { method: "POST", url }));
    const secrets = jsonBody(response) as SubscriptionKeysContract;
    return secrets.primaryKey ?? secrets.secondaryKey ?? null;
  });
}

function toSubscription(subscription: SubscriptionContract, serviceName: string): ApimSubscription {
  return {
    name: subscription.name ?? "",
    displayName: subscription.displayName ?? subscription.name ?? "",
    scope: scopeBelowService(subscription.scope ?? "", serviceName),
    state: subscription.state ?? "",
  };
}

/**
 * ARM answers a subscription's scope as a full resource id
 * (`/subscriptions/…/service/{name}/products/{product}`), older api-versions below the service
 * (`/products/{product}`); the gateway's comparison needs the part below the service.
 */
export function scopeBelowService(scope: string, serviceName: string): string {
  const marker = `/service/${serviceName.toLowerCase()}`;
  const at = scope.toLowerCase().indexOf(marker);
  const below = at === -1 ? scope : scope.slice(at + marker.length);
  return below.replace(/\/+$/, "") || "/";
}
