import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { EMPTY_POLICY_DOCUMENT, mergePolicy, parsePolicyDocument, renderBackendEntity, type AccessProfile } from "./";
import { apimReserialize } from "./__fixtures__/apim-reserialize";
import { loadReferencePolicies } from "./__fixtures__/reference-policies";
import { sampleProfiles } from "./__fixtures__/sample-profiles";
import { policyStateOf, sameManagedPart, sameOutside, sameProfile, type PolicyState } from "./policy-state";
import { accessProfileSchema } from "./profile-schema";

function merged(existing: string, profile: AccessProfile): string {
  const result = mergePolicy(existing, profile);
  if (!result.ok) throw new Error(result.error.message);
  return result.text;
}

function stateOf(xml: string, profile: AccessProfile): PolicyState {
  const backend = renderBackendEntity(profile);
  const fields = backend && {
    url: backend.properties.url ?? "",
    protocol: backend.properties.protocol ?? "http",
    credentials: backend.properties.credentials ?? {},
  };
  const state = policyStateOf(xml, backend && fields ? { [backend.backendId]: fields } : {});
  if (state === null) throw new Error("not a readable policy");
  return state;
}

function reserialized(xml: string): string {
  const parsed = parsePolicyDocument(xml, "xml");
  if (!parsed.ok) throw new Error(parsed.error.message);
  return apimReserialize(parsed.document);
}

const entraApiKey = sampleProfiles["apikey-header--entra"];

describe("policy state", () => {
  it("is the same after APIM re-serialises a merged policy, for every reference policy and profile", () => {
    const references = loadReferencePolicies().filter((policy) => policy.wellFormed);
    let compared = 0;
    for (const reference of references) {
      for (const profile of Object.values(sampleProfiles)) {
        const ours = merged(reference.text, profile);
        const desired = stateOf(ours, profile);
        const stored = stateOf(reserialized(ours), profile);
        expect(sameManagedPart(stored, desired), reference.file).toBe(true);
        expect(sameOutside(stored, desired), reference.file).toBe(true);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it("reads back the block's profile and counts one block with its statements", () => {
    const state = stateOf(merged(EMPTY_POLICY_DOCUMENT, entraApiKey), entraApiKey);
    expect(state).toMatchObject({ blocks: 1, profile: entraApiKey });
    expect(state.blockStatements).toBeGreaterThan(1);
  });

  it("has no block for a profile that enforces nothing, and then equals the policy without one", () => {
    const none = sampleProfiles["none--none"];
    const withBlockRemoved = merged(merged(EMPTY_POLICY_DOCUMENT, entraApiKey), none);
    expect(sameManagedPart(stateOf(withBlockRemoved, none), stateOf(EMPTY_POLICY_DOCUMENT, none))).toBe(true);
    expect(stateOf(withBlockRemoved, none).blocks).toBe(0);
  });

  it("tells a different profile, a statement added inside the block and a duplicated block apart from the desired one", () => {
    const desiredText = merged(EMPTY_POLICY_DOCUMENT, entraApiKey);
    const desired = stateOf(desiredText, entraApiKey);
    const other = stateOf(merged(EMPTY_POLICY_DOCUMENT, sampleProfiles["apikey-header--none"]), entraApiKey);
    const added = stateOf(
      desiredText.replace(
        "<!-- portcullis:end -->",
        '<set-header name="x-extra" exists-action="override"><value>1</value></set-header>\n<!-- portcullis:end -->',
      ),
      entraApiKey,
    );
    const block = /<!-- portcullis:begin[\s\S]*portcullis:end -->/.exec(desiredText)![0];
    const duplicated = stateOf(desiredText.replace("</inbound>", `${block}\n</inbound>`), entraApiKey);

    expect(sameManagedPart(other, desired)).toBe(false);
    expect(sameManagedPart(added, desired)).toBe(false);
    expect(added.profile).toEqual(entraApiKey);
    expect(duplicated.blocks).toBe(2);
    expect(sameManagedPart(duplicated, desired)).toBe(false);
  });

  it("sees an edit outside the block as a difference outside only", () => {
    const desiredText = merged(EMPTY_POLICY_DOCUMENT, entraApiKey);
    const edited = desiredText.replace(
      "<outbound>\n        <base />",
      '<outbound>\n        <base />\n        <set-header name="x-served-by" exists-action="override"><value>apim</value></set-header>',
    );
    const desired = stateOf(desiredText, entraApiKey);
    const live = stateOf(edited, entraApiKey);

    expect(sameManagedPart(live, desired)).toBe(true);
    expect(sameOutside(live, desired)).toBe(false);
    expect(live.outside).toEqual(
      expect.arrayContaining([
        '    <set-header name="x-served-by" exists-action="override">',
        "      <value>apim</value>",
      ]),
    );
  });

  it("is null for text that is not a policy", () => {
    expect(policyStateOf("<policies><inbound>", {})).toBeNull();
  });
});

/** Every variant of `value` with one change: a leaf altered, an array item added or dropped, a key deleted or undefined. */
function oneChangeVariants(value: unknown): unknown[] {
  if (typeof value === "string") return [`${value}x`, ""];
  if (typeof value === "boolean") return [!value];
  if (typeof value === "number") return [value + 1];
  if (Array.isArray(value))
    return [
      [...value, value[0] ?? "x"],
      value.slice(1),
      ...value.flatMap((item, index) => oneChangeVariants(item).map((changed) => value.with(index, changed))),
    ];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const { [key]: _dropped, ...without } = value as Record<string, unknown>;
    return [
      without,
      { ...value, [key]: undefined },
      ...oneChangeVariants(item).map((changed) => ({ ...value, [key]: changed })),
    ];
  });
}

describe("sameProfile", () => {
  it("says what comparing the canonical JSON of the two parsed profiles says, for every sample and every one-change variant of it", () => {
    const canonical = (profile: unknown) => canonicalize(accessProfileSchema.parse(profile));
    const samples = Object.values(sampleProfiles);
    let compared = 0;
    let same = 0;
    for (const profile of samples) {
      const others = [...samples, ...oneChangeVariants(profile)].filter(
        (other) => accessProfileSchema.safeParse(other).success,
      );
      for (const other of others) {
        const expected = canonical(profile) === canonical(other);
        expect(sameProfile(profile, other)).toBe(expected);
        expect(sameProfile(other, profile)).toBe(expected);
        compared += 1;
        if (expected) same += 1;
      }
    }
    // Both answers occur, many times over.
    expect(same).toBeGreaterThan(samples.length);
    expect(compared - same).toBeGreaterThan(10 * samples.length);
  });
});
