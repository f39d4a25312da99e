import { describe, expect, it } from "vitest";
import { armRetryPolicyName } from "./retry/retry-policy";
import { armRequestGuardPolicyName } from "./arm-request-guard-policy";
import { createSdkClient } from "./sdk-client";
import { defaultRetryOptions } from "./retry/retry-options";
import { staticCredential, testInstance } from "../../test/support/apim/fake-arm";

describe("createSdkClient", () => {
  it("replaces the SDK's retry and redirect policies with ours, drops tracing and keeps signing", () => {
    const sdk = createSdkClient(testInstance, staticCredential, {
      scope: "https://management.azure.com/.default",
      retry: defaultRetryOptions,
    });
    const names = sdk.pipeline.getOrderedPolicies().map((policy) => policy.name);
    expect(names.filter((name) => /retry/i.test(name))).toEqual([armRetryPolicyName]);
    expect(names).not.toContain("redirectPolicy");
    expect(names).not.toContain("tracingPolicy");
    expect(names).toContain(armRequestGuardPolicyName);
    // Signing runs after our retry policy, so every attempt carries a current token.
    expect(names.indexOf("bearerTokenAuthenticationPolicy")).toBeGreaterThan(names.indexOf(armRetryPolicyName));
  });
});
