import { describe, expect, it } from "vitest";
import { sampleProfiles } from "../__fixtures__/sample-profiles";
import { BEGIN_MARKER, END_MARKER } from "../managed-block";
import { mergePolicy } from "./merge-policy";

const profile = sampleProfiles["apikey-header--none"];
const none = sampleProfiles["none--none"];
const HEADER = '<set-header name="api-key" exists-action="override">';

function merge(text: string, withProfile = profile): string {
  const result = mergePolicy(text, withProfile);
  if (!result.ok) throw new Error(result.error.message);
  return result.text;
}

describe("mergePolicy", () => {
  it("inserts after a leading <base /> with the document's indentation and line ends", () => {
    const text =
      '<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t<rate-limit calls="5" renewal-period="60" />\r\n\t</inbound>\r\n</policies>';
    expect(merge(text)).toBe(
      `<policies>\r\n\t<inbound>\r\n\t\t<base />\r\n\t\t${BEGIN_MARKER}\r\n\t\t${HEADER}\r\n\t\t\t<value>{{openai-api-key}}</value>\r\n\t\t</set-header>\r\n\t\t${END_MARKER}\r\n\t\t<rate-limit calls="5" renewal-period="60" />\r\n\t</inbound>\r\n</policies>`,
    );
  });

  it("inserts first in <inbound> when it does not start with <base />", () => {
    const text =
      '<policies>\n  <inbound>\n    <!-- mine -->\n    <rate-limit calls="5" renewal-period="60" />\n    <base />\n  </inbound>\n</policies>';
    const merged = merge(text);
    expect(merged.startsWith(`<policies>\n  <inbound>\n    ${BEGIN_MARKER}\n    ${HEADER}\n`)).toBe(true);
    expect(
      merged.endsWith(
        `${END_MARKER}\n    <!-- mine -->\n    <rate-limit calls="5" renewal-period="60" />\n    <base />\n  </inbound>\n</policies>`,
      ),
    ).toBe(true);
  });

  it("writes out a self-closing or missing <inbound>, and starts from APIM's default for an empty document", () => {
    expect(merge("<policies>\n  <inbound />\n</policies>")).toContain(`<inbound>\n    ${BEGIN_MARKER}`);
    expect(merge("<policies>\n  <outbound />\n</policies>")).toMatch(
      /^<policies>\n {2}<inbound>\n {4}<!-- portcullis:begin[\s\S]*<\/inbound>\n {2}<outbound \/>/,
    );
    expect(merge("<policies/>")).toContain("<inbound>");
    expect(merge("  ")).toContain(`<base />\n        ${BEGIN_MARKER}`);
  });

  it("replaces the block in place, wherever the admin moved it, and is idempotent", () => {
    const moved = `<policies>\n  <inbound>\n    <base />\n    <rate-limit calls="5" renewal-period="60" />\n    ${BEGIN_MARKER}\n    <set-header name="old" exists-action="override"><value>x</value></set-header>\n    ${END_MARKER}\n  </inbound>\n</policies>`;
    const merged = merge(moved);
    expect(merged).toContain(`<rate-limit calls="5" renewal-period="60" />\n    ${BEGIN_MARKER}\n    ${HEADER}`);
    expect(merged).not.toContain('name="old"');
    expect(merge(merged)).toBe(merged);
  });

  it("keeps one block when there are several, removing blocks outside <inbound>", () => {
    const block = `${BEGIN_MARKER}\n    ${END_MARKER}`;
    const text = `<policies>\n  <inbound>\n    ${block}\n    ${block}\n  </inbound>\n  <outbound>\n    ${block}\n  </outbound>\n</policies>`;
    const merged = merge(text);
    expect(merged.match(/portcullis:begin/g)).toHaveLength(1);
    expect(merged).toContain(`<outbound>\n  </outbound>`);
  });

  it("removes the block and its line for none/none and leaves a document without one alone", () => {
    const original = "<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>";
    expect(merge(merge(original), none)).toBe(original);
    expect(merge(original, none)).toBe(original);
  });

  it("keeps rawxml expressions byte for byte and reports the format to upload with", () => {
    const text =
      '<policies>\n  <inbound>\n    <base />\n    <set-variable name="a" value="@(context.Request.Headers.GetValueOrDefault("x", "") != "" && 1 < 2)" />\n  </inbound>\n</policies>';
    const result = mergePolicy(text, profile);
    expect(result).toMatchObject({ ok: true, format: "rawxml" });
    expect(result.ok && result.text).toContain(
      'value="@(context.Request.Headers.GetValueOrDefault("x", "") != "" && 1 < 2)"',
    );
  });

  it.each([
    ["not XML at all", "<policies><inbound>", "is not closed"],
    ["a root other than <policies>", "<root />", "the root element is <root>"],
    ["a begin marker without end", `<policies><inbound>${BEGIN_MARKER}</inbound></policies>`, "has no end marker"],
    ["an end marker without begin", `<policies><inbound>${END_MARKER}</inbound></policies>`, "no begin marker"],
  ])("refuses %s with a message", (_what, text, message) => {
    expect(mergePolicy(text, profile)).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining(message) },
    });
  });

  it("puts the block at the top of a policy fragment", () => {
    const merged = merge('<fragment>\n    <set-variable name="a" value="b" />\n</fragment>');
    expect(merged.startsWith(`<fragment>\n    ${BEGIN_MARKER}`)).toBe(true);
  });
});
