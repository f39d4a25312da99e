import { describe, expect, it } from "vitest";
import { EMPTY_POLICY_DOCUMENT, lintPolicy, mergePolicy, renderBackendEntity, type AccessProfile } from "../";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { policyStateOf, sameManagedPart } from "../policy-state";
import { parsePolicyDocument } from "./parse-policy-document";
import type { PolicyDocument } from "./policy-document";
import { listPolicyReferences } from "./policy-references";
import { isDeeplyFrozen, rememberedPerDocument, sameValue } from "./remembered-per-document";

function documentOf(text: string): PolicyDocument {
  const parsed = parsePolicyDocument(text, "xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.document;
}

function merged(profile: AccessProfile, into = EMPTY_POLICY_DOCUMENT): string {
  const result = mergePolicy(into, profile);
  if (!result.ok) throw new Error(result.error.message);
  return result.text;
}

/** A reading that counts its calls and returns what it was given, to see which calls were answered from memory. */
function countingReading() {
  const calls: unknown[] = [];
  const read = rememberedPerDocument(
    (document: PolicyDocument, args: unknown) => {
      calls.push(args);
      return { root: document.root.name, args: structuredClone(args) };
    },
    { perDocument: 2 },
  );
  return { read, calls };
}

describe("rememberedPerDocument", () => {
  it("reads a document once for equal arguments and again for different ones or another document", () => {
    const { read, calls } = countingReading();
    const first = documentOf(EMPTY_POLICY_DOCUMENT);
    const second = documentOf(EMPTY_POLICY_DOCUMENT);
    expect(read(first, { names: ["a"] })).toEqual({ root: "policies", args: { names: ["a"] } });
    expect(read(first, { names: ["a"] })).toEqual({ root: "policies", args: { names: ["a"] } });
    expect(calls).toHaveLength(1);
    expect(read(first, { names: ["b"] }).args).toEqual({ names: ["b"] });
    expect(read(second, { names: ["a"] }).args).toEqual({ names: ["a"] });
    expect(calls).toHaveLength(3);
  });

  it("compares with the arguments as they were when remembered, not as the caller changed them since", () => {
    const { read, calls } = countingReading();
    const document = documentOf(EMPTY_POLICY_DOCUMENT);
    const names = ["a"];
    read(document, { names });
    names.push("b");
    expect(read(document, { names }).args).toEqual({ names: ["a", "b"] });
    expect(calls).toHaveLength(2);
  });

  it("tells a key holding undefined from an absent one, and keeps only the latest argument sets of a document", () => {
    const { read, calls } = countingReading();
    const document = documentOf(EMPTY_POLICY_DOCUMENT);
    read(document, { credentials: undefined });
    read(document, {});
    expect(calls).toHaveLength(2);
    read(document, { third: true }); // drops { credentials: undefined }, the oldest of two
    read(document, {});
    expect(calls).toHaveLength(3);
    read(document, { credentials: undefined });
    expect(calls).toHaveLength(4);
  });

  it("freezes what it returns, all the way down", () => {
    const { read } = countingReading();
    const result = read(documentOf(EMPTY_POLICY_DOCUMENT), { names: ["a"] });
    expect(isDeeplyFrozen(result)).toBe(true);
    expect(() => (result.args as { names: string[] }).names.push("b")).toThrow(TypeError);
  });
});

describe("sameValue", () => {
  it("is exact about plain data and compares anything else by identity", () => {
    expect(sameValue({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] })).toBe(true);
    expect(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameValue({ a: undefined }, {})).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(new Map([["a", 1]]), new Map())).toBe(false);
    expect(sameValue(new Date(0), new Date(0))).toBe(false);
  });
});

describe("readings of a parsed document, remembered", () => {
  const withBackend = sampleProfiles["apikey-backend--entra"];
  const entity = renderBackendEntity(withBackend)!;
  const fields = {
    url: entity.properties.url ?? "",
    protocol: entity.properties.protocol ?? "http",
    credentials: entity.properties.credentials ?? {},
  };

  it("give a policy's state for the backends asked with, not those of an earlier call", () => {
    const document = documentOf(merged(withBackend));
    const withoutBackends = policyStateOf(document, {});
    const withBackends = policyStateOf(document, { [entity.backendId]: fields });
    expect(withBackends?.profile).toEqual(withBackend);
    expect(withoutBackends?.profile).toBeNull();
    // Asked again in the other order, each answer is still its own.
    expect(policyStateOf(document, {})?.profile).toBeNull();
    expect(policyStateOf(document, { [entity.backendId]: fields })).toBe(withBackends);
  });

  it("give each document its own state, equal to reading its text, for every sample profile and reference policy", () => {
    const texts = [
      EMPTY_POLICY_DOCUMENT,
      ...loadReferencePolicies()
        .filter((policy) => policy.wellFormed)
        .map((policy) => policy.text),
    ];
    for (const text of texts)
      for (const profile of Object.values(sampleProfiles)) {
        const xml = merged(profile, text);
        const backend = renderBackendEntity(profile);
        const backends = backend ? { [backend.backendId]: fields } : {};
        const document = documentOf(xml);
        const remembered = policyStateOf(document, backends);
        expect(policyStateOf(document, backends)).toBe(remembered);
        expect(remembered).toEqual(policyStateOf(xml, backends));
        expect(sameManagedPart(remembered!, policyStateOf(xml, backends)!)).toBe(true);
      }
  });

  it("lint a document against the named values asked with", () => {
    const document = documentOf(merged(sampleProfiles["apikey-header--entra"]));
    const codes = (namedValues: string[]) => {
      const result = lintPolicy(document, { namedValues });
      if (!result.ok) throw new Error(result.error.message);
      return result.findings.map((finding) => finding.code);
    };
    const referenced = listPolicyReferences(document).namedValues.map((reference) => reference.name);
    expect(referenced.length).toBeGreaterThan(0);
    expect(codes([])).toContain("unknown-named-value");
    expect(codes(referenced)).not.toContain("unknown-named-value");
    expect(codes([])).toContain("unknown-named-value");
    expect(lintPolicy(document, { namedValues: referenced })).toEqual(
      lintPolicy(merged(sampleProfiles["apikey-header--entra"]), { namedValues: referenced }),
    );
  });
});
