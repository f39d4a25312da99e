/**
 * Merge, idempotence and round-trip over the 39 real policies: each gets a profile merged in,
 * keeps every foreign byte, reads back to the same profile, and survives APIM re-serialising it.
 */
import { describe, expect, it } from "vitest";
import { apimReserialize } from "../__fixtures__/apim-reserialize";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles, type SampleName } from "../__fixtures__/sample-profiles";
import { renderBackendEntity } from "../backend-entity";
import { parsePolicyDocument } from "../document/parse-policy-document";
import type { AccessProfile } from "../profile-schema";
import { readAccessProfile } from "../read/read-access-profile";
import { mergePolicy } from "./merge-policy";

const profiles: SampleName[] = [
  "managed-identity-policy--entra",
  "apikey-backend--entra",
  "managed-identity-backend--jwt",
  "apikey-header--none",
];
const cases = loadReferencePolicies().flatMap((policy) => profiles.map((name) => [policy.file, name, policy] as const));

function merged(text: string, profile: AccessProfile): { text: string; format: string } {
  const result = mergePolicy(text, profile);
  if (!result.ok) throw new Error(`${result.error.line}:${result.error.column} ${result.error.message}`);
  return result;
}

function backendsFor(profile: AccessProfile) {
  const entity = renderBackendEntity(profile);
  return entity === undefined ? {} : { [entity.backendId]: entity.properties };
}

describe.each(cases)("%s with %s", (_file, name, policy) => {
  const profile = sampleProfiles[name];
  const none = sampleProfiles["none--none"];

  it("keeps the format and removing the block gives back the original bytes", () => {
    const result = merged(policy.text, profile);
    expect(result.format).toBe(policy.wellFormed ? "xml" : "rawxml");
    expect(result.text).not.toBe(policy.text);
    expect(merged(result.text, none).text).toBe(policy.text);
  });

  it("adds only the block: the original is the merged text with the inserted lines cut out", () => {
    const result = merged(policy.text, profile).text;
    const begin = result.indexOf("<!-- portcullis:begin");
    const end = result.indexOf("<!-- portcullis:end -->") + "<!-- portcullis:end -->".length;
    const lineStart = result.lastIndexOf("\n", begin);
    expect(result.slice(0, lineStart) + result.slice(end)).toBe(policy.text);
  });

  it("is idempotent and the output stays well-formed when the input was", () => {
    const once = merged(policy.text, profile).text;
    expect(merged(once, profile).text).toBe(once);
    if (policy.wellFormed) expect(parsePolicyDocument(once, "xml").ok).toBe(true);
  });

  it("reads back to the same profile", () => {
    const result = readAccessProfile(merged(policy.text, profile).text, { backends: backendsFor(profile) });
    expect(result).toMatchObject({ ok: true, reading: { source: "managed-block", undetermined: [] } });
    if (result.ok) expect(result.reading.profile).toEqual(profile);
  });

  it("survives APIM re-serialising it (CRLF, re-indented, => written =&gt;)", () => {
    const original = parsePolicyDocument(merged(policy.text, profile).text, policy.wellFormed ? "xml" : "rawxml");
    if (!original.ok) throw new Error(original.error.message);
    const reserialized = apimReserialize(original.document);
    expect(reserialized).toContain("\r\n");
    const again = merged(reserialized, profile).text;
    expect(merged(again, profile).text).toBe(again);
    const read = readAccessProfile(again, { format: "xml", backends: backendsFor(profile) });
    expect(read.ok && read.reading.profile).toEqual(profile);
    expect(merged(again, none).text).not.toContain("portcullis");
  });
});

it("re-serialisation in the test really escapes what APIM escapes", () => {
  const policy = loadReferencePolicies().find((candidate) => candidate.file.startsWith("36-"));
  const parsed = policy === undefined ? undefined : parsePolicyDocument(policy.text, "rawxml");
  if (parsed === undefined || !parsed.ok) throw new Error("fixture 36 missing");
  expect(apimReserialize(parsed.document)).toContain("&quot;deployment-id&quot;");
});
