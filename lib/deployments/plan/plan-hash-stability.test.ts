import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ApiAccessScopes } from "../../access/api-access-paths";
import { checkPlannedAccess } from "../../access/check-planned-access";
import type { NamedValue } from "../../apim";
import { AppError } from "../../errors";
import { EMPTY_POLICY_DOCUMENT, parsePolicyDocument, type AccessProfile } from "../../policy";
import { apimReserialize } from "../../policy/__fixtures__/apim-reserialize";
import { loadReferencePolicies } from "../../policy/__fixtures__/reference-policies";
import { sampleProfiles } from "../../policy/__fixtures__/sample-profiles";
import { computePlan, desiredPolicyText, type PlanInput } from "./compute-plan";
import { planContentHash, storedPlanContent } from "./plan-hash";

/**
 * Approvals are bound to a plan's content hash, so planning must give the same bytes for the same
 * inputs whatever is done to make it cheaper. These hashes were recorded before planning parsed
 * each document once (2026-12-06); a change that alters them alters what plans say.
 */
const READ_AT = "2026-12-06T00:00:00.000Z";
const GLOBAL_POLICY = [
  "<policies>",
  "  <inbound>",
  '    <set-header name="x-correlation-id" exists-action="skip">',
  "      <value>@(context.RequestId.ToString())</value>",
  "    </set-header>",
  "  </inbound>",
  "  <backend>",
  "    <forward-request />",
  "  </backend>",
  "  <outbound />",
  "  <on-error />",
  "</policies>",
].join("\r\n");

const namedValues: NamedValue[] = ["openai-api-key", "gemini-api-key", "azure-openai-api-key", "entra-tenant-id"].map(
  (displayName) => ({
    name: `nv-${displayName}`,
    displayName,
    secret: displayName.endsWith("key"),
    tags: [],
    keyVault: null,
    provisioningState: "Succeeded",
  }),
);

const api = { id: "00000000-0000-0000-0000-0000000000a1", apimName: "chat", displayName: "Chat" };

/** A product whose policy checks a header, and operations: one with a policy that drops `<base />`, one with none. */
const policyWithInbound = (...inbound: string[]) =>
  [
    "<policies>",
    "  <inbound>",
    ...inbound.map((line) => `    ${line}`),
    "  </inbound>",
    "  <backend><base /></backend>",
    "  <outbound><base /></outbound>",
    "  <on-error><base /></on-error>",
    "</policies>",
  ].join("\n");
const PRODUCT_POLICY = policyWithInbound(
  "<base />",
  '<check-header name="x-team" failed-check-httpcode="403" failed-check-error-message="no" ignore-case="true" />',
);
const OPERATION_POLICY = policyWithInbound(
  '<set-header name="api-key" exists-action="override"><value>literal</value></set-header>',
);
const product = {
  name: "llm-standard",
  displayName: "LLM Standard",
  description: null,
  subscriptionRequired: true,
  approvalRequired: null,
  state: "published",
};
const operation = (name: string) => ({
  name,
  displayName: name,
  method: "POST",
  urlTemplate: `/${name}`,
});

function scopesWith(apiPolicyXml: string | null, withProductAndOperations = false): ApiAccessScopes {
  return {
    service: {
      state: "read",
      value: { gatewayUrl: "https://gw.example", identity: { type: "SystemAssigned" } },
      readAt: READ_AT,
    },
    globalPolicy: { state: "read", value: { xml: GLOBAL_POLICY, etag: '"g1"' }, readAt: READ_AT },
    api: {
      state: "read",
      value: {
        name: api.apimName,
        displayName: api.displayName,
        path: "chat",
        serviceUrl: "https://contoso.openai.azure.com/openai",
        apiRevision: "1",
        isCurrent: true,
        apiVersion: null,
        apiType: null,
        subscriptionRequired: true,
        subscriptionKeyHeader: "Ocp-Apim-Subscription-Key",
      },
      readAt: READ_AT,
    },
    products: {
      state: "read",
      value: withProductAndOperations
        ? [{ product, policy: { state: "read", value: { xml: PRODUCT_POLICY, etag: '"pp"' }, readAt: READ_AT } }]
        : [],
      readAt: READ_AT,
    },
    policy: {
      state: "read",
      value: apiPolicyXml === null ? null : { xml: apiPolicyXml, etag: '"p1"' },
      readAt: READ_AT,
    },
    operations: {
      state: "read",
      value: withProductAndOperations
        ? [
            {
              operation: operation("chat"),
              policy: { state: "read", value: { xml: OPERATION_POLICY, etag: '"op"' }, readAt: READ_AT },
            },
            { operation: operation("embeddings"), policy: { state: "read", value: null, readAt: READ_AT } },
          ]
        : [],
      readAt: READ_AT,
    },
  } as ApiAccessScopes;
}

/** The plan's content as preparePlan stores and hashes it, or the message planning refuses with. */
function planHashOf(
  profile: AccessProfile,
  livePolicy: string | null,
  adopt: boolean,
  withProductAndOperations = false,
): string {
  const input: PlanInput = {
    apimName: api.apimName,
    instanceName: "prod",
    profile,
    profileVersion: 7,
    adopt,
    live: {
      policy: livePolicy === null ? null : { xml: livePolicy, etag: '"p1"' },
      backends: new Map(),
      namedValues,
    },
    owned: [],
    fingerprints: new Map([["nv-openai-api-key", "hmac-sha256:abc"]]),
    tier: "dedicated",
  };
  let computed;
  try {
    computed = computePlan(input);
  } catch (error) {
    if (error instanceof AppError) return `refused: ${error.message}`;
    throw error;
  }
  const effectiveAccess = checkPlannedAccess(
    api,
    {
      scopes: scopesWith(livePolicy, withProductAndOperations),
      context: { profile, namedValues: { state: "read", value: namedValues, readAt: READ_AT }, backends: {} },
    },
    { profileVersion: 7, policyXml: computed.diff.policy.after },
  );
  const content = {
    operations: computed.operations,
    diff: { ...computed.diff, effectiveAccess },
    desiredState: computed.desired,
  };
  const { text, stored, hash } = storedPlanContent(content);
  // The same as storing JSON.stringify's text and hashing it as read back (how plans were hashed before).
  const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;
  const readBack = {
    operations: roundTrip(content.operations),
    diff: roundTrip(content.diff),
    desiredState: roundTrip(content.desiredState),
  };
  expect(stored).toStrictEqual(readBack);
  expect({
    operations: JSON.parse(text.operations) as unknown,
    diff: JSON.parse(text.diff) as unknown,
    desiredState: JSON.parse(text.desiredState) as unknown,
  }).toStrictEqual(readBack);
  expect(hash).toBe(planContentHash(readBack));
  return hash;
}

/** As APIM answers a document it stored: CRLF and its own indentation. */
function asApimStores(xml: string): string {
  const parsed = parsePolicyDocument(xml, "xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return apimReserialize(parsed.document);
}

const headerKey = sampleProfiles["apikey-header--entra"];
const deployed = asApimStores(desiredPolicyText(EMPTY_POLICY_DOCUMENT, headerKey));
const withAnotherClient: AccessProfile = {
  ...headerKey,
  callerAuth:
    headerKey.callerAuth.mode === "entra"
      ? {
          ...headerKey.callerAuth,
          clientApplicationIds: [...headerKey.callerAuth.clientApplicationIds, "33333333-2222-3333-4444-000000000001"],
        }
      : headerKey.callerAuth,
};

describe("the plan's content hash for fixed inputs", () => {
  it("is the hash of the stored content read back also where canonical JSON refuses the content", () => {
    const content = { operations: [], diff: { ratio: Number.NaN, note: "x" }, desiredState: { profile: null } };
    const { text, stored, hash } = storedPlanContent(content);
    expect(text.diff).toBe('{"ratio":null,"note":"x"}');
    expect(stored.diff).toEqual({ ratio: null, note: "x" });
    expect(hash).toBe(planContentHash(stored));
    expect(storedPlanContent({ ...content, diff: { note: "x", ratio: null } }).hash).toBe(hash);
  });

  it("is unchanged for a change set's edit: one more client application on a deployed API", () => {
    expect(planHashOf(withAnotherClient, deployed, false)).toBe(
      "cf695c1c40856682f79ecd10027e286181ee6cfb8845bba1bb369d4b920667a1",
    );
  });

  it("is unchanged for an API already in sync (no operations)", () => {
    expect(planHashOf(headerKey, deployed, false)).toBe(
      "61272a9a67164831c935915d4777c6cc1831d511d6b105142ad00aa6dd29c848",
    );
  });

  it("is unchanged for an API in a product and with operations, one of which replaces the credential", () => {
    expect(planHashOf(withAnotherClient, deployed, false, true)).toBe(
      "dbba3a2ba4552bf04faddf90e83655fc8d59f926c6b762fb5433284407304706",
    );
  });

  it("is unchanged for every sample profile over no policy, the default one, a deployed one and the 39 reference policies, with and without adopt", () => {
    const lives: Array<string | null> = [
      null,
      "",
      EMPTY_POLICY_DOCUMENT,
      deployed,
      ...loadReferencePolicies().map((policy) => policy.text),
    ];
    const digest = createHash("sha256");
    for (const profile of Object.values(sampleProfiles))
      for (const live of lives)
        for (const adopt of [false, true]) digest.update(`${planHashOf(profile, live, adopt)}\n`);
    expect(digest.digest("hex")).toBe("6d77fc27a0e6dea901fc05629d16197d9fc258cfbec1c727c01cf823d1b869e9");
  });
});
