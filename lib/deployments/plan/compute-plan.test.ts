import { describe, expect, it } from "vitest";
import type { Backend, NamedValue } from "../../apim";
import { AppError } from "../../errors";
import { EMPTY_POLICY_DOCUMENT, parsePolicyDocument, type AccessProfile } from "../../policy";
import { apimReserialize } from "../../policy/__fixtures__/apim-reserialize";
import { sampleProfiles } from "../../policy/__fixtures__/sample-profiles";
import { computePlan, desiredPolicyText, type LiveState, type PlanInput } from "./compute-plan";

const namedValue = (displayName: string): NamedValue => ({
  name: `nv-${displayName}`,
  displayName,
  secret: true,
  tags: [],
  keyVault: null,
  provisioningState: "Succeeded",
});
const headerKey = sampleProfiles["apikey-header--entra"]; // uses {{openai-api-key}}
const backendKey = sampleProfiles["apikey-backend--entra"]; // backend 'openai-backend' with {{openai-api-key}}

function input(profile: AccessProfile, live: Partial<LiveState>, extra: Partial<PlanInput> = {}): PlanInput {
  return {
    apimName: "chat",
    instanceName: "prod",
    profile,
    profileVersion: 4,
    adopt: false,
    live: { policy: null, backends: new Map(), namedValues: [namedValue("openai-api-key")], ...live },
    owned: [],
    fingerprints: new Map([["nv-openai-api-key", "hmac-sha256:abc"]]),
    tier: "dedicated",
    ...extra,
  };
}

/** What APIM answers after storing `xml`: re-serialised with CRLF and its own indentation. */
function asApimStores(xml: string): string {
  const parsed = parsePolicyDocument(xml, "xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return apimReserialize(parsed.document);
}

function backendEntity(name: string, properties: Backend["properties"], etag = '"b1"'): Backend & { etag: string } {
  return { name, properties, etag };
}

describe("computing a plan", () => {
  it("creates the policy of an API that has none, without If-Match, and lists the named value by fingerprint", () => {
    const plan = computePlan(input(headerKey, {}));

    expect(plan.operations).toEqual([
      { seq: 1, kind: "policy.create", target: "chat", expected: "absent", xml: desiredPolicyText(null, headerKey) },
    ]);
    expect(plan.diff.namedValues).toEqual([
      {
        displayName: "openai-api-key",
        namedValueId: "nv-openai-api-key",
        secret: true,
        keyVaultSecretId: null,
        fingerprint: "hmac-sha256:abc",
      },
    ]);
    expect(plan.diff.policy).toMatchObject({ changed: true, before: null });
    expect(plan.diff.summary).toMatch(/^1 change to match access profile version 4: create the policy of 'chat'\.$/);
    expect(plan.desired).toMatchObject({
      profileVersion: 4,
      policy: { etag: null },
      backend: null,
      namedValues: [{ name: "nv-openai-api-key", displayName: "openai-api-key" }],
    });
  });

  it("is empty when APIM holds the desired policy as it re-serialised it", () => {
    const stored = asApimStores(desiredPolicyText(EMPTY_POLICY_DOCUMENT, headerKey));
    expect(stored).toContain("\r\n");

    const plan = computePlan(input(headerKey, { policy: { xml: stored, etag: '"p1"' } }));

    expect(plan.operations).toEqual([]);
    expect(plan.diff.summary).toBe("No changes: APIM already matches access profile version 4.");
    expect(plan.diff.policy).toEqual({ changed: false, before: stored, after: stored, hunks: [] });
    expect(plan.desired.policy).toEqual({ etag: '"p1"', xml: stored });
  });

  it("updates the policy with the ETag it read when the block reads back to another profile", () => {
    const stored = asApimStores(desiredPolicyText(null, sampleProfiles["apikey-header--none"]));

    const plan = computePlan(input(headerKey, { policy: { xml: stored, etag: '"p1"' } }));

    expect(plan.operations).toMatchObject([{ seq: 1, kind: "policy.update", expected: { etag: '"p1"' } }]);
    expect(
      plan.diff.policy.hunks
        .flatMap((hunk) => hunk.lines)
        .some((line) => line.op === "added" && line.text.includes("validate-azure-ad-token")),
    ).toBe(true);
  });

  it("creates the backend before the policy that selects it", () => {
    const stored = asApimStores(desiredPolicyText(null, headerKey));

    const plan = computePlan(
      input(backendKey, { policy: { xml: stored, etag: '"p1"' }, backends: new Map([["openai-backend", null]]) }),
    );

    expect(plan.operations.map((operation) => [operation.seq, operation.kind, operation.target])).toEqual([
      [1, "backend.create", "openai-backend"],
      [2, "policy.update", "chat"],
    ]);
    expect(plan.operations[0]).toMatchObject({
      expected: "absent",
      backend: {
        url: "https://contoso.openai.azure.com/openai",
        protocol: "http",
        credentials: { header: { "api-key": ["{{openai-api-key}}"] } },
      },
    });
    expect(plan.desired.backend).toMatchObject({ backendId: "openai-backend", etag: null });
  });

  it("updates only the managed fields of a backend that differs, hiding literal keys in the diff", () => {
    const live = backendEntity("openai-backend", {
      url: "https://old.example.com",
      protocol: "http",
      title: "kept",
      credentials: { header: { "api-key": ["sk-literal-key"] } },
    });
    const plan = computePlan(input(backendKey, { backends: new Map([["openai-backend", live]]) }));

    expect(plan.operations[0]).toMatchObject({ kind: "backend.update", expected: { etag: '"b1"' } });
    expect(JSON.stringify(plan.diff)).not.toContain("sk-literal-key");
    expect(plan.diff.backends[0]!.changes).toEqual(
      expect.arrayContaining([
        { path: "url", before: "https://old.example.com", after: "https://contoso.openai.azure.com/openai" },
        { path: "credentials.header.api-key", before: ["(literal value hidden)"], after: ["{{openai-api-key}}"] },
      ]),
    );
  });

  it("removes a backend Portcullis created only after the policy stops selecting it, and keeps one another API uses", () => {
    const stored = asApimStores(desiredPolicyText(null, backendKey));
    const live = backendEntity(
      "openai-backend",
      { url: "https://contoso.openai.azure.com/openai", protocol: "http" },
      '"b7"',
    );
    const backends = new Map([["openai-backend", live]]);

    const removing = computePlan(
      input(
        headerKey,
        { policy: { xml: stored, etag: '"p1"' }, backends },
        { owned: [{ backendId: "openai-backend", usedBy: [] }] },
      ),
    );
    const keeping = computePlan(
      input(
        headerKey,
        { policy: { xml: stored, etag: '"p1"' }, backends },
        { owned: [{ backendId: "openai-backend", usedBy: ["other-api"] }] },
      ),
    );

    expect(removing.operations.map((operation) => operation.kind)).toEqual(["policy.update", "backend.delete"]);
    expect(removing.operations[1]).toMatchObject({ target: "openai-backend", expected: { etag: '"b7"' } });
    expect(keeping.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);
    expect(keeping.diff.backends).toEqual([
      {
        backendId: "openai-backend",
        action: "kept",
        changes: [],
        note: "Kept: still used by the access profile of 'other-api'.",
      },
    ]);
  });

  it("refuses a profile whose named value does not exist, naming it", () => {
    const error = (() => {
      try {
        computePlan(input(headerKey, { namedValues: [] }));
      } catch (caught) {
        return caught;
      }
    })();

    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("conflict");
    expect((error as AppError).message).toContain("'openai-api-key'");
    expect((error as AppError).details).toEqual({ missingNamedValues: ["openai-api-key"] });
  });

  it("blocks the apply when the resulting policy has lint errors, e.g. a hand-written reference to a missing named value", () => {
    const handWritten = EMPTY_POLICY_DOCUMENT.replace(
      "</inbound>",
      '    <set-header name="x-tenant" exists-action="override"><value>{{missing-one}}</value></set-header>\n    </inbound>',
    );

    const plan = computePlan(input(headerKey, { policy: { xml: handWritten, etag: '"p1"' } }));

    expect(plan.diff.lint.blocking).toBe(true);
    expect(plan.diff.lint.findings.map((finding) => finding.code)).toContain("unknown-named-value");
  });

  it("refuses a policy whose Portcullis markers do not pair up, saying where", () => {
    const broken = EMPTY_POLICY_DOCUMENT.replace(
      "<base />\n    </inbound>",
      "<base />\n        <!-- portcullis:begin -->\n    </inbound>",
    );
    expect(() => computePlan(input(headerKey, { policy: { xml: broken, etag: '"p1"' } }))).toThrow(
      /cannot take the profile: .*no end marker.*\(line 4, column 9\)/,
    );
  });

  it("takes over the hand-written validation when the version adopts: the diff shows its lines removed, and the applied policy is in sync", () => {
    const validation =
      '<validate-azure-ad-token tenant-id="{{tenant}}">\n            <client-application-ids><application-id>x</application-id></client-application-ids>\n        </validate-azure-ad-token>';
    const handWritten = EMPTY_POLICY_DOCUMENT.replace(
      "<base />\n    </inbound>",
      `<base />\n        ${validation}\n        <rate-limit calls="5" renewal-period="60" />\n    </inbound>`,
    );
    const live = { policy: { xml: handWritten, etag: '"p1"' } };

    const plain = computePlan(input(headerKey, live));
    const adopting = computePlan(input(headerKey, live, { adopt: true }));

    expect(plain.desired.policy?.xml).toContain('tenant-id="{{tenant}}"');
    expect(plain.diff.lint.findings.map((finding) => finding.code)).toContain("caller-validation-late");
    const xml = adopting.desired.policy?.xml ?? "";
    expect(xml).not.toContain('tenant-id="{{tenant}}"');
    expect(xml).toContain('<rate-limit calls="5" renewal-period="60" />');
    const removed = adopting.diff.policy.hunks.flatMap((hunk) =>
      hunk.lines.filter((line) => line.op === "removed").map((line) => line.text.trim()),
    );
    // A line diff may pair the hand-written closing tag with the block's: every removed line is the validation's.
    expect(removed[0]).toBe('<validate-azure-ad-token tenant-id="{{tenant}}">');
    expect(validation.split("\n").map((line) => line.trim())).toEqual(expect.arrayContaining(removed));
    expect(adopting.diff.lint.findings).toEqual([]);

    const applied = { policy: { xml: asApimStores(xml), etag: '"p2"' } };
    expect(computePlan(input(headerKey, applied, { adopt: true })).operations).toEqual([]);
  });

  it("needs no policy for a profile that enforces nothing on an API without one", () => {
    const plan = computePlan(input(sampleProfiles["none--none"], {}));
    expect(plan.operations).toEqual([]);
    expect(plan.desired.policy).toBeNull();
  });
});
