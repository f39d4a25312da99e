import { attributeValue, childElements } from "../../../lib/policy";
import { PolicyError, UnsupportedInSandbox } from "../pipeline/gateway-errors";
import { attribute, integerAttribute } from "../pipeline/policy-values";
import type { Statement, StatementRun } from "./statement";

/**
 * rate-limit (rate-limit-policy.md) limits calls per subscription, rate-limit-by-key
 * (rate-limit-by-key-policy.md) per counter key; over the limit "the caller receives a 429 Too
 * Many Requests response status code", with the retry interval in `Retry-After` (or
 * retry-after-header-name). The remaining and total calls go to the named headers and variables.
 */
export const rateLimit: Statement = async (run) => {
  const { element } = run.located;
  if (childElements(element).length > 0) throw new UnsupportedInSandbox("rate-limit per <api>/<operation>");
  return limit(run, `rate-limit|${perSubscription(run)}`, true);
};

export const rateLimitByKey: Statement = async (run) => {
  const { element } = run.located;
  const key = attribute(element, "counter-key", run.exchange, run.runtime);
  if (key === undefined) throw new UnsupportedInSandbox("rate-limit-by-key without counter-key");
  const condition = attribute(element, "increment-condition", run.exchange, run.runtime)?.trim().toLowerCase();
  if (condition !== undefined && condition !== "true" && condition !== "false")
    throw new UnsupportedInSandbox(`rate-limit-by-key increment-condition (not a bool)`);
  // "For each key value, a single counter is used for all scopes at which the policy is configured."
  return limit(run, `rate-limit-by-key|${key}`, condition !== "false");
};

async function limit(run: StatementRun, counter: string, increment: boolean): Promise<"continue"> {
  const { element } = run.located;
  const { exchange, runtime } = run;
  const calls = integerAttribute(element, "calls", exchange, runtime);
  const renewal = integerAttribute(element, "renewal-period", exchange, runtime);
  if (calls === undefined || renewal === undefined)
    throw new UnsupportedInSandbox(`${element.name} without calls or renewal-period`);
  const count = integerAttribute(element, "increment-count", exchange, runtime) ?? 1;
  const outcome = increment
    ? runtime.rateLimits.take(counter, calls, renewal, count)
    : { allowed: true, remaining: runtime.rateLimits.peek(counter, calls, renewal), retryAfterSeconds: 0 };

  const remainingHeader = attributeValue(element, "remaining-calls-header-name");
  const totalHeader = attributeValue(element, "total-calls-header-name");
  const remainingVariable = attributeValue(element, "remaining-calls-variable-name");
  if (remainingHeader) exchange.extraResponseHeaders.set(remainingHeader.toLowerCase(), String(outcome.remaining));
  if (totalHeader) exchange.extraResponseHeaders.set(totalHeader.toLowerCase(), String(calls));
  if (remainingVariable) exchange.variables.set(remainingVariable, outcome.remaining);
  if (outcome.allowed) return "continue";

  const retryVariable = attributeValue(element, "retry-after-variable-name");
  if (retryVariable) exchange.variables.set(retryVariable, outcome.retryAfterSeconds);
  const retryHeader = attributeValue(element, "retry-after-header-name") ?? "Retry-After";
  throw new PolicyError(element.name, "RateLimitExceeded", {
    status: 429,
    headers: { [retryHeader]: String(outcome.retryAfterSeconds) },
    message: `Rate limit is exceeded. Try again in ${outcome.retryAfterSeconds} seconds.`,
  });
}

/**
 * quota (quota-policy.md): calls per subscription in a fixed renewal period; "When the quota
 * is exceeded, the caller receives a 403 Forbidden response status code, and the response
 * includes a Retry-After header whose value is the recommended retry interval in seconds."
 * Bandwidth quotas and per-API/operation children are not simulated (500 naming them).
 */
export const quota: Statement = async (run) => {
  const { element } = run.located;
  const { exchange, runtime } = run;
  if (childElements(element).length > 0) throw new UnsupportedInSandbox("quota per <api>/<operation>");
  if (attributeValue(element, "bandwidth") !== undefined) throw new UnsupportedInSandbox("quota bandwidth");
  const calls = integerAttribute(element, "calls", exchange, runtime);
  const renewal = integerAttribute(element, "renewal-period", exchange, runtime);
  if (calls === undefined || renewal === undefined || renewal === 0)
    throw new UnsupportedInSandbox("quota without calls or a renewal-period");
  const start = attribute(element, "first-period-start", exchange, runtime);
  const firstPeriodStart = start === undefined ? undefined : Date.parse(start);
  if (firstPeriodStart !== undefined && Number.isNaN(firstPeriodStart))
    throw new UnsupportedInSandbox(`quota first-period-start="${start}" (not a date)`);
  const outcome = runtime.quotas.take(`quota|${perSubscription(run)}`, calls, renewal, firstPeriodStart);
  if (outcome.allowed) return "continue";
  throw new PolicyError("quota", "QuotaExceeded", {
    status: 403,
    headers: { "Retry-After": String(outcome.secondsToRenewal) },
    message: `Out of call volume quota. Quota will be replenished in ${clock(outcome.secondsToRenewal)}.`,
  });
};

/**
 * The counter of rate-limit and quota: one per subscription and per place the policy is
 * configured — a product's for all its APIs, an API's for that API, an operation's for it alone.
 */
function perSubscription(run: StatementRun): string {
  const { scope } = run.located;
  const { exchange } = run;
  const where =
    scope === "api"
      ? exchange.api.id
      : scope === "operation"
        ? `${exchange.api.id}/${exchange.operation?.id ?? ""}`
        : (exchange.product?.id ?? "");
  return `${scope}|${where}|${exchange.subscription?.id ?? "no-subscription"}`;
}

/** `hh:mm:ss` (days as more hours), as the quota message shows the time left. */
function clock(seconds: number): string {
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}
