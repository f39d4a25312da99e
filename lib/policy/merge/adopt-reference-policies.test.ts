/**
 * Adopting merges over the 39 real policies: each loses exactly the statements its reading was
 * built from (for the parts the profile fills, when a profile can replace them) and gains the
 * block; it reads back to the profile, stops listing those statements as unmanaged, is
 * idempotent, and behaves the same after APIM re-serialised the policy.
 */
import { describe, expect, it } from "vitest";
import { apimReserialize } from "../__fixtures__/apim-reserialize";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { sampleProfiles, type SampleName } from "../__fixtures__/sample-profiles";
import { renderBackendEntity } from "../backend-entity";
import { parsePolicyDocument, parsePolicyDocumentOfAnyFormat } from "../document/parse-policy-document";
import { childElements, descendantElements, type PolicyElement } from "../document/policy-document";
import { blockContainer } from "../managed-block";
import type { AccessProfile } from "../profile-schema";
import { readAccessProfile } from "../read/read-access-profile";
import { readStatements } from "../read/read-statements";
import { mergePolicy } from "./merge-policy";

const profiles: SampleName[] = [
  "managed-identity-policy--entra",
  "apikey-backend--entra",
  "managed-identity-backend--jwt",
  "apikey-header--none",
];
const policies = loadReferencePolicies();
const cases = policies.flatMap((policy) => profiles.map((name) => [policy.file, name, policy.text] as const));

function merged(text: string, profile: AccessProfile, adopt: boolean): string {
  const result = mergePolicy(text, profile, { adopt });
  if (!result.ok) throw new Error(`${result.error.line}:${result.error.column} ${result.error.message}`);
  return result.text;
}

/** The statements the reading of `text` was built from, for each part the profile fills and a profile can replace. */
function takenOver(text: string, profile: AccessProfile): { text: string; statements: PolicyElement[] } {
  const parsed = parsePolicyDocumentOfAnyFormat(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const container = blockContainer(parsed.document.root);
  const { sources } = readStatements(container === undefined ? [] : childElements(container), {});
  const parts = (["callerAuth", "backendAuth"] as const).filter(
    (part) => profile[part].mode !== "none" && sources[part].replaceable,
  );
  return { text, statements: parts.flatMap((part) => sources[part].statements) };
}

/** `text` without `start..end` and the line break and indentation before it, when it begins its line. */
function cut(text: string, start: number, end: number): string {
  const lead = /(\r\n|\n|\r)[ \t]*$/.exec(text.slice(0, start));
  return text.slice(0, lead === null ? start : start - lead[0].length) + text.slice(end);
}

function withoutBlock(text: string): string {
  const begin = text.indexOf("<!-- portcullis:begin");
  const endMarker = "<!-- portcullis:end -->";
  return cut(text, begin, text.indexOf(endMarker) + endMarker.length);
}

function withoutStatements(text: string, statements: readonly PolicyElement[]): string {
  return [...statements]
    .sort((a, b) => b.start.offset - a.start.offset)
    .reduce((rest, statement) => cut(rest, statement.start.offset, statement.end), text);
}

/** The source text of each statement a reading lists as unmanaged, sorted. */
function unmanagedTexts(text: string): string[] {
  const reading = readAccessProfile(text);
  const parsed = parsePolicyDocumentOfAnyFormat(text);
  if (!reading.ok || !parsed.ok) throw new Error("unreadable");
  const elements = [...descendantElements(parsed.document.root)];
  return reading.reading.unmanaged
    .map((statement) =>
      elements.find((element) => element.start.line === statement.line && element.start.column === statement.column),
    )
    .map((element) => (element === undefined ? "?" : text.slice(element.start.offset, element.end)))
    .sort();
}

function backendsFor(profile: AccessProfile) {
  const entity = renderBackendEntity(profile);
  return entity === undefined ? {} : { [entity.backendId]: entity.properties };
}

describe.each(cases)("%s adopted with %s", (_file, name, text) => {
  const profile = sampleProfiles[name];
  const taken = takenOver(text, profile);

  it("equals the original with exactly the taken-over statements removed, plus the block", () => {
    expect(withoutBlock(merged(text, profile, true))).toBe(withoutStatements(text, taken.statements));
  });

  it("reads the block back to the profile, and lists as unmanaged what a plain merge lists, less the taken-over statements", () => {
    const adopted = merged(text, profile, true);
    const read = readAccessProfile(adopted, { backends: backendsFor(profile) });
    expect(read).toMatchObject({ ok: true, reading: { source: "managed-block", undetermined: [], profile } });
    const expected = unmanagedTexts(merged(text, profile, false));
    for (const statement of taken.statements)
      expected.splice(expected.indexOf(text.slice(statement.start.offset, statement.end)), 1);
    expect(unmanagedTexts(adopted)).toEqual(expected);
  });

  it("is idempotent with and without adopt", () => {
    const once = merged(text, profile, true);
    expect(merged(once, profile, true)).toBe(once);
    expect(merged(once, profile, false)).toBe(once);
  });

  it("takes over the same statements after APIM re-serialised the policy", () => {
    const parsed = parsePolicyDocumentOfAnyFormat(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const reserialized = apimReserialize(parsed.document);
    const again = takenOver(reserialized, profile);
    expect(again.statements.map((statement) => statement.name)).toEqual(
      taken.statements.map((statement) => statement.name),
    );
    const adopted = merged(reserialized, profile, true);
    expect(withoutBlock(adopted)).toBe(withoutStatements(reserialized, again.statements));
    expect(parsePolicyDocument(adopted, "xml").ok).toBe(true);
    expect(merged(adopted, profile, true)).toBe(adopted);
  });
});

/** Names of the statements of `<inbound>` the adopting merge removed (missing outside the block), sorted. */
function removedElements(text: string, profile: AccessProfile): string[] {
  const names = (of: string) => {
    const parsed = parsePolicyDocumentOfAnyFormat(of);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const container = blockContainer(parsed.document.root);
    return (container === undefined ? [] : childElements(container)).map((element) => element.name);
  };
  const left = names(withoutBlock(merged(text, profile, true)));
  return names(text)
    .filter((element) => {
      const index = left.indexOf(element);
      if (index >= 0) left.splice(index, 1);
      return index < 0;
    })
    .sort();
}

it.each([
  ["20-aigw-access-controlling", "apikey-backend--entra", ["set-backend-service", "validate-azure-ad-token"]],
  ["20-aigw-access-controlling", "apikey-header--none", ["set-backend-service"]],
  ["21-aigw-ghcp-byok-entra", "apikey-backend--entra", ["set-backend-service"]], // its validation has an output variable
  [
    "31-aigw-foundry-model-gateway",
    "managed-identity-policy--entra",
    ["authentication-managed-identity", "set-header"],
  ],
  ["35-aigw-streamable-mcp-auth-client", "managed-identity-backend--jwt", ["validate-jwt"]],
  ["01-snippets-preauthorize-validate-jwt", "managed-identity-backend--jwt", []], // conditional validations only
])("%s with %s removes %j", (prefix, name, elements) => {
  const policy = policies.find((candidate) => candidate.file.startsWith(prefix));
  if (policy === undefined) throw new Error(`no reference policy ${prefix}`);
  expect(removedElements(policy.text, sampleProfiles[name as SampleName])).toEqual(elements);
});
