import { describe, expect, it } from "vitest";
import { handWrittenReferences } from "./hand-written-references";
import { BEGIN_MARKER, END_MARKER } from "./managed-block";

const policy = (inbound: string) =>
  `<policies>\n<inbound>\n<base />\n${inbound}\n</inbound>\n<backend><base /></backend>\n<outbound><base /></outbound>\n<on-error><base /></on-error>\n</policies>`;

describe("handWrittenReferences", () => {
  it("finds a reference in hand-written statements, by name case-insensitively", () => {
    const xml = policy(`<set-header name="api-key" exists-action="override"><value>{{Old-Key}}</value></set-header>`);
    expect(handWrittenReferences(xml, "old-key")).toEqual([{ element: "value", line: 4 }]);
  });

  it("ignores what Portcullis manages: the plan of the profile switches that", () => {
    const managed = `${BEGIN_MARKER}\n<set-header name="api-key" exists-action="override"><value>{{old-key}}</value></set-header>\n${END_MARKER}`;
    expect(handWrittenReferences(policy(managed), "old-key")).toEqual([]);
    const both = `${managed}\n<set-query-parameter name="key" exists-action="override"><value>{{old-key}}</value></set-query-parameter>`;
    expect(handWrittenReferences(policy(both), "old-key")).toEqual([{ element: "value", line: 7 }]);
  });

  it("finds references in attributes and expressions, and not other names", () => {
    const xml = policy(
      `<set-variable name="k" value="@(&quot;{{old-key}}&quot;)" />\n<set-header name="x"><value>{{old-key-2}}</value></set-header>`,
    );
    expect(handWrittenReferences(xml, "old-key")).toEqual([{ element: "set-variable", line: 4 }]);
  });

  it("searches a document it cannot parse as text rather than miss a reference", () => {
    expect(handWrittenReferences("<policies><inbound>{{old-key}}", "old-key")).toEqual([
      { element: "policies", line: 1 },
    ]);
    expect(handWrittenReferences("<policies><inbound>", "old-key")).toEqual([]);
  });
});
