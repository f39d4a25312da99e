import { describe, expect, it } from "vitest";
import { sampleProfiles } from "../../__fixtures__/sample-profiles";
import { renderPolicy } from "../../render/render-policy";
import { API_KEY_HEADER, BEGIN, CLIENT_A, END, entraValidation, policy, scopes } from "../__fixtures__/scope-documents";
import { composeEffectivePipeline } from "../compose-pipeline";
import type { AccessFacts, EffectivePipelineInput } from "../effective-input";
import { findEffectiveAccessFindings } from "./find-effective-access-findings";

const ALL_FACTS: AccessFacts = {
  subscriptionRequired: true,
  serviceIdentity: { type: "SystemAssigned" },
  namedValues: [{ name: "openai-key", secret: true }],
};

function analyse(input: EffectivePipelineInput, facts: AccessFacts = ALL_FACTS) {
  return findEffectiveAccessFindings(composeEffectivePipeline(input), facts);
}

function codes(input: EffectivePipelineInput, facts: AccessFacts = ALL_FACTS) {
  return analyse(input, facts).findings.map((finding) => [finding.code, finding.severity, finding.scope, finding.line]);
}

/** An API policy with the Portcullis block: entra validation, drop the caller's token, api-key header. */
const managedApi = (after: string[] = [], before: string[] = []) =>
  policy({
    inbound: [
      "<base />",
      ...before,
      BEGIN,
      entraValidation(),
      '<set-header name="Authorization" exists-action="delete" />',
      API_KEY_HEADER,
      END,
      ...after,
    ],
  });

describe("findEffectiveAccessFindings", () => {
  it("finds nothing in a managed API under APIM's default policies, and says it concluded everything", () => {
    const analysis = analyse(scopes({ api: managedApi() }));
    expect(analysis).toEqual({ findings: [], notConcluded: [], blocking: false });
  });

  it("finds nothing in what the engine renders for every sample profile", () => {
    for (const profile of Object.values(sampleProfiles)) {
      const api: EffectivePipelineInput["api"]["document"] = { status: "policy", text: renderPolicy(profile) };
      const facts: AccessFacts = {
        ...ALL_FACTS,
        subscriptionRequired: profile.callerAuth.mode === "none",
        serviceIdentity: {
          type: "SystemAssigned, UserAssigned",
          userAssignedIdentities: { "/id/x": { clientId: "AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee" } },
        },
        namedValues: [
          { name: "openai-api-key", secret: true },
          { name: "gemini-api-key", secret: true },
        ],
      };
      expect(analyse(scopes({ api, profile }), facts).findings, JSON.stringify(profile)).toEqual([]);
    }
  });

  it('caller-validation-skipped: an operation without <base /> in <inbound> skips the API\'s caller validation ("If you remove the base element at the API scope, only policies configured at the API scope will be applied")', () => {
    const operation = policy({ inbound: ['<set-variable name="x" value="1" />'] });
    const analysis = analyse(scopes({ api: managedApi(), operation }));
    expect(analysis.findings.map((finding) => [finding.code, finding.severity, finding.scope, finding.line])).toEqual([
      ["caller-validation-skipped", "blocking", "operation", 2],
      ["managed-statements-skipped", "blocking", "operation", 2],
    ]);
    expect(analysis.findings[0]?.message).toBe(
      "The operation ('completions') policy has no <base /> in <inbound>, so <validate-azure-ad-token> on line 5 of the API policy does not run for this call: callers are not checked there.",
    );
    expect(analysis.findings[0]?.related).toEqual([
      { element: "validate-azure-ad-token", scope: "api", line: 5, column: 1 },
    ]);
    expect(analysis.blocking).toBe(true);
    // A hand-written validation that is skipped is a warning: no profile is made ineffective.
    const handWritten = policy({ inbound: ["<base />", entraValidation()] });
    expect(codes(scopes({ api: handWritten, operation }))).toEqual([
      ["caller-validation-skipped", "warning", "operation", 2],
    ]);
  });

  it("managed-backend-overridden: a later set-backend-service replaces the block's backend selection", () => {
    const api = policy({
      inbound: [
        "<base />",
        BEGIN,
        '<set-backend-service backend-id="openai" />',
        END,
        '<set-backend-service base-url="https://elsewhere.example.com" />',
      ],
    });
    expect(codes(scopes({ api }))).toEqual([["managed-backend-overridden", "blocking", "api", 7]]);
    // In a branch: still replaced when the condition holds, and the message says so.
    const conditional = policy({
      inbound: [
        "<base />",
        BEGIN,
        '<set-backend-service backend-id="openai" />',
        END,
        '<choose><when condition="@(true)"><set-backend-service backend-id="other" /></when></choose>',
      ],
    });
    const [finding] = analyse(scopes({ api: conditional })).findings;
    expect(finding?.message).toContain("when the condition on line 7 holds");
  });

  it('"If you define a base set-backend-service policy using the backend-id attribute and inherit the base policy using <base /> within the scope, then it can only be overridden with a policy using the backend-id attribute, not the base-url attribute"', () => {
    const api = policy({ inbound: ["<base />", BEGIN, '<set-backend-service backend-id="openai" />', END] });
    const baseUrl = policy({
      inbound: ["<base />", '<set-backend-service base-url="https://elsewhere.example.com" />'],
    });
    const backendId = policy({ inbound: ["<base />", '<set-backend-service backend-id="other" />'] });
    expect(codes(scopes({ api, operation: baseUrl }))).toEqual([]);
    expect(codes(scopes({ api, operation: backendId }))).toEqual([
      ["managed-backend-overridden", "blocking", "operation", 4],
    ]);
  });

  it("managed-backend-overridden: selecting again the backend the block selects is no override", () => {
    const api = policy({ inbound: ["<base />", BEGIN, '<set-backend-service backend-id="openai" />', END] });
    const same = policy({ inbound: ["<base />", '<set-backend-service backend-id="openai" />'] });
    expect(codes(scopes({ api, operation: same }))).toEqual([]);
    const other = policy({ inbound: ["<base />", '<set-backend-service backend-id="elsewhere" />'] });
    expect(codes(scopes({ api, operation: other }))).toEqual([
      ["managed-backend-overridden", "blocking", "operation", 4],
    ]);
  });

  it("managed-credential-overridden: a later statement rewrites the block's credential header, in any scope", () => {
    const override = '<set-header name="api-key" exists-action="override"><value>{{other-key}}</value></set-header>';
    expect(codes(scopes({ api: managedApi([override]) }))).toEqual([
      ["managed-credential-overridden", "blocking", "api", 9],
    ]);
    const operation = policy({
      inbound: ["<base />", '<authentication-managed-identity resource="https://cognitiveservices.azure.com" />'],
    });
    expect(codes(scopes({ api: managedApi(), operation }))).toEqual([
      ["managed-credential-overridden", "blocking", "operation", 4],
    ]);
    // "skip - does not replace the existing header value."
    const skip = override.replace("override", "skip");
    expect(codes(scopes({ api: managedApi([skip]) }))).toEqual([]);
    // Removing the Authorization header the block already removed leaves nothing to override; setting it does not.
    const deleteAgain = '<set-header name="Authorization" exists-action="delete" />';
    expect(codes(scopes({ api: managedApi([deleteAgain]) }))).toEqual([]);
    const setAgain = '<set-header name="Authorization" exists-action="override"><value>Bearer x</value></set-header>';
    expect(codes(scopes({ api: managedApi([setAgain]) }))).toEqual([
      ["managed-credential-overridden", "blocking", "api", 9],
    ]);
  });

  it("the profile's own header counts as a credential header", () => {
    const profile = {
      ...sampleProfiles["apikey-header--none"],
      backendAuth: { ...sampleProfiles["apikey-header--none"].backendAuth, headerName: "x-model-key" },
    };
    const managed =
      '<set-header name="x-model-key" exists-action="override"><value>{{openai-api-key}}</value></set-header>';
    const later = '<set-header name="X-Model-Key" exists-action="override"><value>literal</value></set-header>';
    const api = policy({ inbound: ["<base />", BEGIN, managed, END, later] });
    const facts = { ...ALL_FACTS, namedValues: [{ name: "openai-api-key", secret: true }] };
    expect(codes(scopes({ api, profile }), facts)).toEqual([["managed-credential-overridden", "blocking", "api", 7]]);
    // Without the profile, x-model-key is just a header.
    expect(codes(scopes({ api }), facts)).toEqual([]);
  });

  it("token-header-rewritten-before-validation: a product policy that strips Authorization before the API validates", () => {
    const product = policy({ inbound: ['<set-header name="Authorization" exists-action="delete" />', "<base />"] });
    const [finding] = analyse(scopes({ api: managedApi(), product })).findings;
    expect(finding).toMatchObject({
      code: "token-header-rewritten-before-validation",
      severity: "blocking",
      scope: "api",
      line: 5,
    });
    expect(finding?.message).toContain(
      "<set-header> on line 3 of the product policy removes or rewrites the authorization header",
    );
    // validate-jwt reading another header is not affected.
    const jwt = policy({
      inbound: [
        "<base />",
        '<validate-jwt header-name="x-token"><audiences><audience>a</audience></audiences></validate-jwt>',
        API_KEY_HEADER,
      ],
    });
    expect(codes(scopes({ api: jwt, product }))).toEqual([]);
  });

  it("caller-validation-late: validation after a statement that forwards, answers or calls out", () => {
    const send = '<send-one-way-request mode="new"><set-url>https://log.example.com</set-url></send-one-way-request>';
    const global = policy({ inbound: [send], backend: ["<forward-request />"], outbound: [], "on-error": [] });
    expect(codes(scopes({ global, api: managedApi() }))).toEqual([["caller-validation-late", "blocking", "api", 5]]);
    // A return-response in another branch of the same choose is an alternative, not earlier.
    const api = policy({
      inbound: [
        "<base />",
        `<choose><when condition="@(true)"><return-response /></when><otherwise>${entraValidation()}</otherwise></choose>`,
        API_KEY_HEADER,
      ],
    });
    expect(codes(scopes({ api }))).toEqual([]);
  });

  it("anyone-can-call: no caller check and no subscription required; not concluded when the subscription requirement is unknown", () => {
    const api = policy({ inbound: ["<base />", API_KEY_HEADER] });
    expect(codes(scopes({ api }), { ...ALL_FACTS, subscriptionRequired: false })).toEqual([
      ["anyone-can-call", "warning", "api", 1],
    ]);
    expect(codes(scopes({ api }), ALL_FACTS)).toEqual([]);
    const unknown = analyse(scopes({ api }), { ...ALL_FACTS, subscriptionRequired: undefined });
    expect(unknown.findings).toEqual([]);
    expect(unknown.notConcluded.map((entry) => entry.code)).toEqual(["anyone-can-call"]);
    // A check that runs only under a condition leaves the other calls open.
    const conditional = policy({
      inbound: ["<base />", `<choose><when condition="@(true)">${entraValidation()}</when></choose>`, API_KEY_HEADER],
    });
    const [finding] = analyse(scopes({ api: conditional }), { ...ALL_FACTS, subscriptionRequired: false }).findings;
    expect(finding?.message).toContain("checked only under conditions");
  });

  it("conflicting-caller-validations: two validations of the same token for different tenants or issuers", () => {
    const other = entraValidation().replace(/tenant-id="[^"]+"/, 'tenant-id="00000000-0000-0000-0000-000000000001"');
    const product = policy({ inbound: [other, "<base />"] });
    expect(codes(scopes({ api: managedApi(), product }))).toEqual([
      ["conflicting-caller-validations", "blocking", "api", 5],
    ]);
    const issuers = (issuer: string) =>
      `<validate-jwt header-name="Authorization"><issuers><issuer>${issuer}</issuer></issuers></validate-jwt>`;
    const jwtApi = policy({
      inbound: ["<base />", issuers("https://a.example.com"), issuers("https://b.example.com")],
    });
    expect(codes(scopes({ api: jwtApi }))).toEqual([["conflicting-caller-validations", "warning", "api", 5]]);
    // The Entra v2 issuer of the same tenant is not a conflict.
    const sameTenant = policy({
      inbound: [
        "<base />",
        entraValidation(),
        issuers("https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"),
      ],
    });
    expect(codes(scopes({ api: sameTenant }))).toEqual([]);
  });

  it("managed-identity-missing: system-assigned off, or the user-assigned client id not attached", () => {
    const mi = (clientId = "") =>
      policy({
        inbound: [
          "<base />",
          BEGIN,
          `<authentication-managed-identity resource="https://cognitiveservices.azure.com"${clientId} />`,
          END,
        ],
      });
    const userOnly: AccessFacts = {
      ...ALL_FACTS,
      serviceIdentity: { type: "UserAssigned", userAssignedIdentities: { "/x": { clientId: CLIENT_A } } },
    };
    expect(codes(scopes({ api: mi() }), userOnly)).toEqual([["managed-identity-missing", "blocking", "api", 5]]);
    expect(codes(scopes({ api: mi(` client-id="${CLIENT_A}"`) }), userOnly)).toEqual([]);
    expect(codes(scopes({ api: mi(` client-id="${CLIENT_A}"`) }), ALL_FACTS)).toEqual([
      ["managed-identity-missing", "blocking", "api", 5],
    ]);
    const unknown = analyse(scopes({ api: mi() }), { ...ALL_FACTS, serviceIdentity: undefined });
    expect(unknown.notConcluded.map((entry) => entry.code)).toEqual(["managed-identity-missing"]);
    // A backend entity with managed identity credentials needs the identity too.
    const backend = policy({ inbound: ["<base />", BEGIN, '<set-backend-service backend-id="foundry" />', END] });
    const facts = {
      ...userOnly,
      backends: {
        foundry: {
          url: "https://f",
          credentials: { managedIdentity: { resource: "https://cognitiveservices.azure.com" } },
        },
      },
    };
    expect(codes(scopes({ api: backend }), facts)).toEqual([["managed-identity-missing", "blocking", "api", 5]]);
  });

  it("named-value-missing and key-vault-refresh-failed for the named value the profile references", () => {
    expect(codes(scopes({ api: managedApi() }), { ...ALL_FACTS, namedValues: [] })).toEqual([
      ["named-value-missing", "blocking", "api", 7],
    ]);
    const failed = {
      name: "openai-key",
      secret: true,
      keyVault: { lastStatus: { code: "Forbidden", message: "no access policy" } },
    };
    const [finding] = analyse(scopes({ api: managedApi() }), { ...ALL_FACTS, namedValues: [failed] }).findings;
    expect(finding).toMatchObject({ code: "key-vault-refresh-failed", severity: "blocking" });
    expect(finding?.message).toContain("Forbidden: no access policy");
    const unknown = analyse(scopes({ api: managedApi() }), { ...ALL_FACTS, namedValues: undefined });
    expect(unknown.notConcluded).toEqual([
      { code: "named-value-missing", reason: expect.stringContaining("{{openai-key}}") },
    ]);
  });

  it("an unreadable scope: lists the conclusions it could not reach instead of reporting no findings", () => {
    const analysis = analyse(
      scopes({ api: managedApi(), product: { status: "unreadable", reason: "ARM answered 403", armStatus: 403 } }),
    );
    expect(analysis.findings).toEqual([]);
    expect(analysis.notConcluded.map((entry) => entry.code)).toEqual(
      expect.arrayContaining([
        "caller-validation-skipped",
        "token-header-rewritten-before-validation",
        "caller-validation-late",
        "anyone-can-call",
      ]),
    );
    expect(analysis.notConcluded[0]?.reason).toContain("403");
  });

  it("inbound-section-missing: a narrower policy without <inbound> while a broader scope validates callers", () => {
    const operation = policy({ inbound: undefined });
    expect(codes(scopes({ api: managedApi(), operation }))).toEqual([
      ["inbound-section-missing", "warning", "operation", 1],
    ]);
  });

  it("managed statements of a skipped <backend> count too", () => {
    const api = policy({
      backend: [
        "<base />",
        BEGIN,
        `<set-header name="api-key" exists-action="override"><value>{{openai-key}}</value></set-header>`,
        END,
      ],
      inbound: ["<base />", entraValidation()],
    });
    const operation = policy({ backend: ["<forward-request />"] });
    expect(codes(scopes({ api, operation }))).toEqual([["managed-statements-skipped", "blocking", "operation", 5]]);
  });
});
