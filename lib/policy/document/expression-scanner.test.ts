import { describe, expect, it } from "vitest";
import { scanExpression } from "./expression-scanner";

function endOf(text: string): number | string {
  const scan = scanExpression(text, 0);
  return scan.ok ? scan.end : scan.message;
}

describe("scanExpression", () => {
  it("ends at the bracket that balances the opening one", () => {
    expect(endOf("@(a(b)[c]{d}) rest")).toBe(13);
    expect(endOf("@{ return 1; } tail")).toBe(14);
  });

  it("skips brackets and quotes inside regular strings with escapes", () => {
    const text = '@(x == ")\\"(" && y)"';
    expect(endOf(text)).toBe(text.length - 1);
  });

  it("skips verbatim strings where a doubled quote is a quote", () => {
    const text = '@(@"a"")(" + b)';
    expect(endOf(text)).toBe(text.length);
  });

  it("follows holes of interpolated strings, including nested strings", () => {
    const text = '@($"{((IResponse)context.Variables["blobdata"]).Body.As<JObject>() }")';
    expect(endOf(text)).toBe(text.length);
    const literalBraces = '@($"{{not a hole)}}" + x)';
    expect(endOf(literalBraces)).toBe(literalBraces.length);
    const verbatim = '@($@"a{b(")")}"" c")';
    expect(endOf(verbatim)).toBe(verbatim.length);
  });

  it("skips char literals and comments", () => {
    const text = "@{ var a = ')'; // )))\n /* ( */ return a; }";
    expect(endOf(text)).toBe(text.length);
  });

  it("treats a stray apostrophe as itself", () => {
    expect(endOf("@(don't)")).toBe(8);
  });

  it("reports an unbalanced or unclosed expression with its offset", () => {
    expect(scanExpression("@(a]", 0)).toEqual({
      ok: false,
      offset: 3,
      message: expect.stringContaining("unbalanced ']'"),
    });
    expect(scanExpression("@(a(b)", 0)).toEqual({
      ok: false,
      offset: 1,
      message: expect.stringContaining("not closed"),
    });
    expect(scanExpression('@("abc)', 0)).toMatchObject({ ok: false, offset: 2 });
    expect(scanExpression("@x", 0)).toMatchObject({ ok: false, offset: 0 });
  });
});
