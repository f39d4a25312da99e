/**
 * The findings and the what-if over the 39 real reference policies, each used as the API, product
 * and global scope around a Portcullis-managed API. Every expectation comes from an oracle that
 * reads the raw document on its own (which statements it holds where), so a finding the engine
 * misses or invents fails the test; counts keep the oracles from passing vacuously.
 */
import { describe, expect, it } from "vitest";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { parsePolicyDocumentOfAnyFormat } from "../document/parse-policy-document";
import { attributeValue, childElements, type PolicyElement } from "../document/policy-document";
import { mergePolicy } from "../merge/merge-policy";
import { renderPolicy } from "../render/render-policy";
import { DEFAULT_GLOBAL, policy } from "./__fixtures__/scope-documents";
import { entraClaims, jwt, NOW } from "./__fixtures__/tokens";
import { composeEffectivePipeline } from "./compose-pipeline";
import type { AccessFacts, EffectivePipelineInput, ScopeDocument } from "./effective-input";
import { findEffectiveAccessFindings } from "./findings/find-effective-access-findings";
import { checkToken } from "./what-if/check-token";

const references = loadReferencePolicies().flatMap((reference) => {
  const parsed = parsePolicyDocumentOfAnyFormat(reference.text);
  if (!parsed.ok) throw new Error(`${reference.file}: ${parsed.error.message}`);
  return parsed.document.root.name === "policies" ? [{ ...reference, root: parsed.document.root }] : [];
});
const fragmentFile = loadReferencePolicies().find((reference) => reference.file.startsWith("19-"));

const entra = sampleProfiles["managed-identity-policy--entra"];
const callerAuth = entra.callerAuth.mode === "entra" ? entra.callerAuth : undefined;
const TENANT = callerAuth?.tenantId ?? "";
const [ALLOWED] = callerAuth?.clientApplicationIds ?? [];
const FACTS: AccessFacts = {
  subscriptionRequired: true,
  serviceIdentity: {
    type: "SystemAssigned, UserAssigned",
    userAssignedIdentities: { "/x": { clientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee" } },
  },
  namedValues: [{ name: "openai-api-key", secret: true }],
};
const managedApi: ScopeDocument = { status: "policy", text: renderPolicy(entra) };

function document(text: string): ScopeDocument {
  return { status: "policy", text };
}

function analyse(input: EffectivePipelineInput) {
  return findEffectiveAccessFindings(composeEffectivePipeline(input), FACTS);
}

function codes(findings: ReturnType<typeof analyse>["findings"], code: string) {
  return findings.filter((finding) => finding.code === code);
}

// --- oracles: what a document holds, read from the XML on its own -----------------------------

/** Elements that act on another message: what they hold is not a statement of this request. */
const OTHER_MESSAGE = ["send-request", "send-one-way-request", "return-response"];

function requestStatements(root: PolicyElement, sections: string[]): PolicyElement[] {
  const found: PolicyElement[] = [];
  const visit = (element: PolicyElement) => {
    for (const child of childElements(element)) {
      found.push(child);
      if (!OTHER_MESSAGE.includes(child.name)) visit(child);
    }
  };
  for (const section of childElements(root).filter((child) => sections.includes(child.name))) visit(section);
  return found;
}

const CALLER_CHECKS = [
  "validate-jwt",
  "validate-azure-ad-token",
  "check-header",
  "ip-filter",
  "validate-client-certificate",
];
const SENDS_OR_ANSWERS = [
  "forward-request",
  "send-request",
  "send-one-way-request",
  "return-response",
  "mock-response",
  "cache-lookup",
  "azure-openai-semantic-cache-lookup",
  "llm-semantic-cache-lookup",
];

function writesAuthorization(element: PolicyElement): boolean {
  if (element.name === "set-header")
    return (
      attributeValue(element, "name")?.toLowerCase() === "authorization" &&
      attributeValue(element, "exists-action") !== "skip"
    );
  if (element.name === "authentication-managed-identity")
    return attributeValue(element, "output-token-variable-name") === undefined;
  return element.name === "authentication-basic";
}

const inboundOf = (root: PolicyElement) => requestStatements(root, ["inbound"]);

describe("findings over the reference policies", () => {
  it("as the API scope under an operation without <base />: the API's caller checks are skipped exactly when it has some", () => {
    const operation = policy({ inbound: ['<set-variable name="x" value="1" />'] });
    let withChecks = 0;
    for (const reference of references) {
      const checks = inboundOf(reference.root).filter((element) => CALLER_CHECKS.includes(element.name));
      const skipped = codes(
        analyse({
          global: DEFAULT_GLOBAL,
          api: { id: "a", document: document(reference.text) },
          operation: { id: "o", document: operation },
        }).findings,
        "caller-validation-skipped",
      );
      expect(skipped.length, reference.file).toBe(checks.length > 0 ? 1 : 0);
      if (checks.length > 0) {
        withChecks++;
        expect(skipped[0]?.severity, reference.file).toBe("warning");
        expect(skipped[0]?.related.map((related) => related.line).sort(), reference.file).toEqual(
          checks.map((check) => check.start.line).sort(),
        );
      }
    }
    expect(withChecks).toBeGreaterThanOrEqual(15);
  });

  for (const scope of ["product", "global"] as const) {
    it(`as the ${scope} scope before a managed API: the Authorization header rewritten, or a statement that sends or answers, before the managed validation`, () => {
      let rewriting = 0;
      let late = 0;
      for (const reference of references) {
        const inbound = inboundOf(reference.root);
        // A global policy also brings its own backend section; the reference ones all hold <base /> there.
        const input: EffectivePipelineInput =
          scope === "product"
            ? {
                global: DEFAULT_GLOBAL,
                product: { id: "p", document: document(reference.text) },
                api: { id: "a", document: managedApi },
              }
            : {
                global: document(
                  reference.text.replace(/<backend>[\s\S]*?<\/backend>/, "<backend><forward-request /></backend>"),
                ),
                api: { id: "a", document: managedApi },
              };
        const { findings } = analyse(input);
        const rewritten = codes(findings, "token-header-rewritten-before-validation");
        const expectedRewrite = inbound.some(writesAuthorization);
        expect(rewritten.length, reference.file).toBe(expectedRewrite ? 1 : 0);
        if (expectedRewrite) {
          rewriting++;
          expect(rewritten[0], reference.file).toMatchObject({
            severity: "blocking",
            scope: "api",
            related: [{ scope }],
          });
        }
        const expectedLate = inbound.some((element) => SENDS_OR_ANSWERS.includes(element.name));
        expect(codes(findings, "caller-validation-late").length, reference.file).toBe(expectedLate ? 1 : 0);
        if (expectedLate) late++;
      }
      expect(rewriting).toBeGreaterThanOrEqual(3);
      expect(late).toBeGreaterThanOrEqual(5);
    });
  }

  it("merged with a backend-delivery profile: every hand-written set-backend-service overrides the managed selection", () => {
    const profile = sampleProfiles["apikey-backend--entra"];
    let overriding = 0;
    for (const reference of references) {
      const merged = mergePolicy(reference.text, profile);
      if (!merged.ok) throw new Error(`${reference.file}: ${merged.error.message}`);
      const selections = requestStatements(reference.root, ["inbound", "backend"]).filter(
        (element) => element.name === "set-backend-service",
      );
      const overridden = codes(
        analyse({ global: DEFAULT_GLOBAL, api: { id: "a", document: document(merged.text) }, profile }).findings,
        "managed-backend-overridden",
      );
      expect(overridden.length, reference.file).toBe(selections.length);
      expect(
        overridden.every((finding) => finding.severity === "blocking"),
        reference.file,
      ).toBe(true);
      if (selections.length > 0) overriding++;
    }
    expect(overriding).toBeGreaterThanOrEqual(15);
  });

  it("merged with a managed-identity profile: every hand-written statement that rewrites Authorization after the block overrides its credential", () => {
    let overriding = 0;
    for (const reference of references) {
      const merged = mergePolicy(reference.text, entra);
      if (!merged.ok) throw new Error(`${reference.file}: ${merged.error.message}`);
      const writers = requestStatements(reference.root, ["inbound", "backend"]).filter(writesAuthorization);
      const overridden = codes(
        analyse({ global: DEFAULT_GLOBAL, api: { id: "a", document: document(merged.text) }, profile: entra }).findings,
        "managed-credential-overridden",
      );
      expect(overridden.length, reference.file).toBe(writers.length);
      if (writers.length > 0) overriding++;
    }
    expect(overriding).toBeGreaterThanOrEqual(5);
  });

  it("the oauth-proxy fragment (19) included by an API validates callers like a statement of that API", () => {
    const api = policy({ inbound: ["<base />", '<include-fragment fragment-id="validate" />'] });
    const operation = policy({ inbound: [] });
    const input = {
      global: DEFAULT_GLOBAL,
      api: { id: "a", document: api },
      operation: { id: "o", document: operation },
    };
    expect(codes(analyse(input).findings, "caller-validation-skipped")).toEqual([]);
    expect(analyse(input).notConcluded.length).toBeGreaterThan(0);
    const given = analyse({ ...input, fragments: { validate: fragmentFile?.text ?? "" } });
    expect(codes(given.findings, "caller-validation-skipped")[0]?.related).toEqual([
      expect.objectContaining({ element: "validate-azure-ad-token", fragment: "validate" }),
    ]);
    expect(given.notConcluded).toEqual([]);
  });
});

describe("the what-if over the reference policies, merged with a managed entra validation", () => {
  it("another client's token is denied by the managed validation in every one of them", () => {
    const other = jwt(
      entraClaims(TENANT, "99999999-0000-0000-0000-000000000000", {
        aud: "api://portcullis-chat",
        roles: ["Chat.Use"],
      }),
    );
    for (const reference of references) {
      const merged = mergePolicy(reference.text, entra);
      if (!merged.ok) throw new Error(merged.error.message);
      const pipeline = composeEffectivePipeline({
        global: DEFAULT_GLOBAL,
        api: { id: "a", document: document(merged.text) },
        profile: entra,
      });
      const result = checkToken(pipeline, { token: other, at: NOW }, FACTS);
      expect(result, reference.file).toMatchObject({
        ok: true,
        decision: "denied",
        decidedBy: { element: "validate-azure-ad-token", scope: "api" },
        response: { status: 401, message: "Unauthorized. Access token is missing or invalid." },
      });
    }
  });

  it("an allowed client's token passes the managed validation in every one of them; what follows decides the rest", () => {
    const allowed = jwt(entraClaims(TENANT, ALLOWED ?? "", { roles: ["Chat.Use"] }));
    const decisions = new Map<string, number>();
    for (const reference of references) {
      const merged = mergePolicy(reference.text, entra);
      if (!merged.ok) throw new Error(merged.error.message);
      const pipeline = composeEffectivePipeline({
        global: DEFAULT_GLOBAL,
        api: { id: "a", document: document(merged.text) },
        profile: entra,
      });
      const result = checkToken(pipeline, { token: allowed, at: NOW }, FACTS);
      if (!result.ok) throw new Error(result.error);
      expect(result.steps[0], reference.file).toMatchObject({
        statement: { element: "validate-azure-ad-token" },
        result: "passed",
      });
      const otherChecks = inboundOf(reference.root).filter(
        (element) => CALLER_CHECKS.includes(element.name) || element.name === "return-response",
      );
      if (otherChecks.length === 0) expect(result.decision, reference.file).toBe("allowed");
      decisions.set(result.decision, (decisions.get(result.decision) ?? 0) + 1);
    }
    expect(decisions.get("allowed")).toBeGreaterThanOrEqual(15);
  });
});
