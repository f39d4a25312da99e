import { describe, expect, it } from "vitest";
import { decodeXmlValue, escapeAttributeValue, escapeText } from "./xml-entities";

describe("decodeXmlValue", () => {
  it("decodes the predefined entities and character references", () => {
    expect(decodeXmlValue("&lt;&gt;&amp;&quot;&apos;&#65;&#x42;", "text")).toEqual({ ok: true, value: "<>&\"'AB" });
  });

  it("normalises line ends in text and whitespace in attributes like an XML parser", () => {
    expect(decodeXmlValue("a\r\nb\rc", "text")).toEqual({ ok: true, value: "a\nb\nc" });
    expect(decodeXmlValue("a\r\nb\tc\nd&#10;", "attribute")).toEqual({ ok: true, value: "a b c d\n" });
  });

  it("refuses a bare ampersand, an unknown entity and a reference to a forbidden character", () => {
    expect(decodeXmlValue("a && b", "text")).toMatchObject({ ok: false, index: 2 });
    expect(decodeXmlValue("&nbsp;", "text")).toMatchObject({ ok: false, index: 0 });
    expect(decodeXmlValue("x&#0;", "text")).toMatchObject({ ok: false, index: 1 });
  });
});

describe("escaping", () => {
  it("round-trips every special character through decode", () => {
    const value = "a<b>&\"'\t\n\r]]>c";
    expect(decodeXmlValue(escapeAttributeValue(value), "attribute")).toEqual({ ok: true, value });
    expect(decodeXmlValue(escapeText(value), "text")).toEqual({ ok: true, value });
  });
});
