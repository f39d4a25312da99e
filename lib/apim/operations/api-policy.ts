import type { ArmCallOptions, ArmResult } from "../call/arm-call";
import { runArmCall } from "../call/run-arm-call";
import { nullIfNotFound, requireEtag } from "../errors/arm-failure";
import { ifMatchFor, ifMatchOf, type Expected } from "../expected-state";
import { expectSuccess, jsonBody, sendRawArmRequest } from "../raw-request";
import type { ApimContext } from "./apim-context";

/**
 * The API-level policy document. `xml` is APIM's re-serialised text (CRLF, its own
 * indentation, `=&gt;` in expressions): compare it semantically, never byte for byte.
 */
export interface ApiPolicy {
  xml: string;
  etag: string;
}

// The only policy id APIM has; the SDK wants it spelled out.
const POLICY_ID = "policy";

const describe = (apiName: string) => `policy of API '${apiName}'`;

/**
 * The policy as `format=xml` (expressions XML-escaped), or null when the API has none.
 * A raw request: the SDK's `apiPolicy.get` is generated as an XML operation and returns the
 * JSON answer without its `value` (Azure/azure-sdk-for-js#31566, still so in 10.0.0).
 */
export function getApiPolicy(
  ctx: ApimContext,
  apiName: string,
  options: ArmCallOptions = {},
): Promise<ArmResult<ApiPolicy | null>> {
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async () => {
    const url = `${ctx.serviceUrl}/apis/${encodeURIComponent(apiName)}/policies/${POLICY_ID}?api-version=${ctx.apiVersion}&format=xml`;
    const response = await sendRawArmRequest(ctx.sdk, { method: "GET", url });
    if (response.status === 404) return null;
    const { properties } = jsonBody(expectSuccess(response)) as { properties?: { value?: string } };
    return { xml: properties?.value ?? "", etag: requireEtag(response.headers.get("etag"), response.status) };
  });
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
  const { resourceGroup, serviceName } = ctx.instance;
  return runArmCall(options, ctx.callTimeoutMs, describe(apiName), async (call) => {
    const ifMatch = ifMatchFor(expected);
    const policy = await ctx.sdk.apiPolicy.createOrUpdate(
      resourceGroup,
      serviceName,
      apiName,
      POLICY_ID,
      { value: xml, format: "xml" },
      { ifMatch },
    );
    return { xml: policy.value ?? "", etag: requireEtag(policy.eTag, call.status) };
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
