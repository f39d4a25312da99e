import { describe, expect, it } from "vitest";
import { loadReferencePolicies } from "../__fixtures__/reference-policies";
import { parsePolicyDocument, parsePolicyDocumentOfAnyFormat } from "./parse-policy-document";
import { childElements, descendantElements, type PolicyElement } from "./policy-document";

function parsed(text: string, format: "xml" | "rawxml") {
  const result = parsePolicyDocument(text, format);
  if (!result.ok) throw new Error(`${result.error.line}:${result.error.column} ${result.error.message}`);
  return result.document;
}

function only(root: PolicyElement, name: string): PolicyElement {
  const found = [...descendantElements(root)].filter((element) => element.name === name);
  if (found.length !== 1) throw new Error(`expected one <${name}>, found ${found.length}`);
  return found[0] as PolicyElement;
}

describe("parsePolicyDocument on the 39 reference policies", () => {
  const policies = loadReferencePolicies();

  it("has all 39 copies", () => {
    expect(policies).toHaveLength(39);
  });

  it.each(policies.map((policy) => [policy.file, policy] as const))(
    "%s: rawxml always, xml exactly when well-formed",
    (_file, policy) => {
      expect(parsePolicyDocument(policy.text, "rawxml").ok).toBe(true);
      expect(parsePolicyDocument(policy.text, "xml").ok).toBe(policy.wellFormed);
    },
  );

  it.each(policies.filter((policy) => policy.wellFormed).map((policy) => [policy.file, policy] as const))(
    "%s: both formats read the same tree from well-formed XML, escaped expressions aside",
    (_file, policy) => {
      // rawxml keeps expressions as written (APIM does not XML-decode raw C#), so they may differ.
      const strip = function (this: { isExpression?: boolean }, key: string, value: unknown) {
        return key === "format" || (key === "value" && this.isExpression === true) ? undefined : value;
      };
      expect(JSON.stringify(parsed(policy.text, "rawxml"), strip)).toBe(
        JSON.stringify(parsed(policy.text, "xml"), strip),
      );
    },
  );
});

describe("parsePolicyDocument in rawxml", () => {
  it("reads raw quotes, && and < inside an attribute expression", () => {
    const text =
      '<policies><inbound><set-variable name="u" value="@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A") != null && 1 < 2)" /></inbound></policies>';
    const variable = only(parsed(text, "rawxml").root, "set-variable");
    expect(variable.attributes.map((attribute) => [attribute.name, attribute.value, attribute.isExpression])).toEqual([
      ["name", "u", false],
      ["value", '@(context.Request.Headers.GetValueOrDefault("x-user-id", "N/A") != null && 1 < 2)', true],
    ]);
  });

  it("reads an expression with generics in element text", () => {
    const text =
      '<policies><inbound><set-body>@($"{((IResponse)context.Variables["b"]).Body.As<JObject>() }")</set-body></inbound></policies>';
    const body = only(parsed(text, "rawxml").root, "set-body");
    expect(body.children).toEqual([
      expect.objectContaining({
        kind: "text",
        isExpression: true,
        value: '@($"{((IResponse)context.Variables["b"]).Body.As<JObject>() }")',
      }),
    ]);
    expect(parsePolicyDocument(text, "xml").ok).toBe(false);
  });

  it("still decodes entities outside expressions", () => {
    const text = "<policies><inbound><set-url>https://x/?a=1&amp;b=2</set-url></inbound></policies>";
    expect(only(parsed(text, "rawxml").root, "set-url").children[0]).toMatchObject({
      value: "https://x/?a=1&b=2",
      isExpression: false,
    });
  });

  it("reports an unbalanced expression at its position", () => {
    const result = parsePolicyDocument(
      '<policies>\n  <inbound>\n    <set-variable name="a" value="@(x(" />\n  </inbound>\n</policies>',
      "rawxml",
    );
    // The quote that should close the attribute opens a C# string inside the unclosed expression.
    expect(result).toMatchObject({
      ok: false,
      error: {
        line: 3,
        column: 39,
        message:
          "expression in the attribute 'value' of <set-variable>: string literal in policy expression is not closed",
      },
    });
  });
});

describe("parsePolicyDocument in xml", () => {
  it("decodes escaped expressions and records positions of elements and attributes", () => {
    const text =
      '<policies>\r\n  <inbound>\r\n    <set-header name="a" exists-action="override">\r\n      <value>@(context.Request.Headers.FirstOrDefault(h =&gt; h.Key==&quot;Via&quot;))</value>\r\n    </set-header>\r\n  </inbound>\r\n</policies>';
    const document = parsed(text, "xml");
    const header = only(document.root, "set-header");
    expect(header.start).toEqual({ offset: 29, line: 3, column: 5 });
    expect(header.attributes[1]?.start).toMatchObject({ line: 3, column: 26 });
    expect(text.slice(header.start.offset, header.end)).toMatch(/^<set-header[\s\S]*<\/set-header>$/);
    const value = only(document.root, "value");
    expect(value.children[0]).toMatchObject({
      kind: "text",
      isExpression: true,
      value: '@(context.Request.Headers.FirstOrDefault(h => h.Key=="Via"))',
    });
    expect(text.slice(value.contentStart, value.contentEnd)).toContain("=&gt;");
  });

  it("keeps comments, CDATA and processing instructions with their offsets", () => {
    const text =
      '<?xml version="1.0"?>\n<!-- a -->\n<policies><inbound><!-- b --><set-body><![CDATA[<x>&]]></set-body></inbound></policies>';
    const document = parsed(text, "xml");
    expect(document.nodes.map((node) => node.kind)).toEqual([
      "processing-instruction",
      "text",
      "comment",
      "text",
      "element",
    ]);
    const inbound = childElements(document.root)[0] as PolicyElement;
    expect(inbound.children[0]).toMatchObject({ kind: "comment", value: " b " });
    expect(only(document.root, "set-body").children[0]).toMatchObject({ kind: "cdata", value: "<x>&" });
  });

  it.each([
    ["<policies><inbound></policies>", 1, 31, "xml"],
    ['<policies a="1" a="2" />', 1, 17, "rawxml"],
    ["<policies />\n<policies />", 2, 1, "rawxml"],
    ['<!DOCTYPE x [<!ENTITY e "x">]><policies />', 1, 1, "rawxml"],
    ["text<policies />", 1, 1, "rawxml"],
    ["<policies>a & b</policies>", 1, 13, "rawxml"],
    ["", 1, 1, "rawxml"],
    ["<policies><inbound>", 1, 11, "rawxml"],
  ] as const)("refuses %j with the line and column of the problem", (text, line, column, format) => {
    expect(parsePolicyDocument(text, format)).toMatchObject({
      ok: false,
      error: { line, column, message: expect.any(String) },
    });
  });

  it("refuses a DOCTYPE in xml as well", () => {
    expect(parsePolicyDocument("<!DOCTYPE p><policies />", "xml")).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("DOCTYPE") },
    });
  });
});

describe("parsePolicyDocumentOfAnyFormat", () => {
  it("uses xml when well-formed and rawxml otherwise", () => {
    expect(parsePolicyDocumentOfAnyFormat("<policies/>")).toMatchObject({ ok: true, document: { format: "xml" } });
    expect(parsePolicyDocumentOfAnyFormat('<policies a="@(1 < 2)"/>')).toMatchObject({
      ok: true,
      document: { format: "rawxml" },
    });
  });
});
