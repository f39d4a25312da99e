import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { requireEtag } from "../errors/arm-failure";
import { ifMatchFor, ifMatchOf, type Expected } from "../expected-state";
import { expectSuccess, jsonBody } from "../raw-request";
import type { ApimContext } from "./apim-context";
import { deleteEntity, getEntityEtag } from "./entity-requests";
import { describePolicy, getScopePolicy, policyPath, type ScopePolicy } from "./scope-policy";

/** The API-level policy document (see ScopePolicy). */
export type ApiPolicy = ScopePolicy;

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
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), (call) =>
    getEntityEtag(ctx, call, apiPolicyUrl(ctx, apiName)),
  );
}

/** Creates or replaces the policy (`format: xml`); APIM validates it and answers 400 with element, line and column. */
export function putApiPolicy(
  ctx: ApimContext,
  apiName: string,
  xml: string,
  expected: Expected,
  options: ArmCallOptions = {},
): Promise<ArmResult<ApiPolicy>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async (call) => {
    const url = apiPolicyUrl(ctx, apiName);
    const body = { properties: { value: xml, format: "xml" } };
    const request = { method: "PUT", url, ifMatch: ifMatchFor(expected), body } as const;
    const response = expectSuccess(await ctx.transport.send(call, request));
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
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), (call) =>
    deleteEntity(ctx, call, apiPolicyUrl(ctx, apiName), ifMatchOf(expected.etag)),
  );
}

function apiPolicyUrl(ctx: ApimContext, apiName: string): string {
  return `${ctx.serviceUrl}${policyPath({ kind: "api", apiName })}?api-version=${ctx.apiVersion}`;
}
