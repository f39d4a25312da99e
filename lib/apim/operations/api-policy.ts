import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { nullIfNotFound, requireEtag } from "../errors/arm-failure";
import { ifMatchFor, ifMatchOf, type Expected } from "../expected-state";
import { expectSuccess, jsonBody, sendRawArmRequest } from "../raw-request";
import type { ApimContext } from "./apim-context";
import { describePolicy, getScopePolicy, policyPath, type ScopePolicy } from "./scope-policy";

/** The API-level policy document (see ScopePolicy). */
export type ApiPolicy = ScopePolicy;

// The only policy id APIM has; the SDK wants it spelled out.
const POLICY_ID = "policy";

const describe = (apiName: string) => describePolicy({ kind: "api", apiName });

/** The policy as `format=xml` (expressions XML-escaped), or null when the API has none. */
export function getApiPolicy(
  ctx: ApimContext,
  apiName: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<ApiPolicy | null>> {
  return getScopePolicy(ctx, { kind: "api", apiName }, options);
}

/** Only the policy's ETag (HEAD): a drift check that skips the document when nothing changed. */
export function getApiPolicyEtag(
  ctx: ApimContext,
  apiName: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<string | null>> {
  const { resourceGroup, serviceName } = ctx.instance;
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async (call) => {
    const head = await nullIfNotFound(ctx.sdk.apiPolicy.getEntityTag(resourceGroup, serviceName, apiName, POLICY_ID));
    return head && requireEtag(head.eTag, call.status);
  });
}

/** Creates or replaces the policy (`format: xml`); APIM validates it and answers 400 with element, line and column. */
export function putApiPolicy(
  ctx: ApimContext,
  apiName: string,
  xml: string,
  expected: Expected,
  options: ArmCallOptions = {},
): Promise<ArmResult<ApiPolicy>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async () => {
    const url = `${ctx.serviceUrl}${policyPath({ kind: "api", apiName })}?api-version=${ctx.apiVersion}`;
    const body = { properties: { value: xml, format: "xml" } };
    const request = { method: "PUT", url, ifMatch: ifMatchFor(expected), body } as const;
    const response = expectSuccess(await sendRawArmRequest(ctx.sdk, request));
    const { properties } = jsonBody(response) as { properties?: { value?: string } };
    return { xml: properties?.value ?? "", etag: requireEtag(response.headers.get("etag"), response.status) };
  });
}

export function deleteApiPolicy(
  ctx: ApimContext,
  apiName: string,
  expected: { etag: string },
  options: ArmCallOptions = {},
): Promise<ArmResult<void>> {
  const { resourceGroup, serviceName } = ctx.instance;
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async () => {
    await ctx.sdk.apiPolicy.delete(resourceGroup, serviceName, apiName, POLICY_ID, ifMatchOf(expected.etag));
  });
}
