import { describe, expect, it } from "vitest";
import { attributeValue } from "../../../lib/policy";
import { effectiveSection, type ScopeChain } from "./effective-sections";
import { UnsupportedInSandbox } from "./gateway-errors";

const doc = (inbound: string) =>
  ({
    text: `<policies><inbound>${inbound}</inbound><backend /><outbound /><on-error /></policies>`,
    format: "rawxml",
  }) as const;
const marker = (name: string) => `<set-header name="${name}" exists-action="override"><value>x</value></set-header>`;

function names(chain: ScopeChain): string[] {
  return effectiveSection(chain, "inbound").map(
    (located) => `${located.scope}:${attributeValue(located.element, "name") ?? located.element.name}`,
  );
}

describe("the effective section of a call", () => {
  it("puts each parent's section where <base /> stands, broadest first", () => {
    const chain: ScopeChain = [
      { scope: "global", policy: doc(marker("g")) },
      { scope: "product", policy: doc(`${marker("p1")}<base />${marker("p2")}`) },
      { scope: "api", policy: doc(`<base />${marker("a")}`) },
      { scope: "operation", policy: doc(`${marker("o")}<base />`) },
    ];
    expect(names(chain)).toEqual(["operation:o", "product:p1", "global:g", "product:p2", "api:a"]);
  });

  it("drops everything above a section without <base />, and a scope without a document inherits all", () => {
    expect(
      names([
        { scope: "global", policy: doc(marker("g")) },
        { scope: "api", policy: doc(marker("a")) },
        { scope: "operation", policy: undefined },
      ]),
    ).toEqual(["api:a"]);
    expect(
      names([
        { scope: "global", policy: doc(marker("g")) },
        { scope: "api", policy: undefined },
      ]),
    ).toEqual(["global:g"]);
  });

  it("refuses a document it cannot parse, naming its scope", () => {
    expect(() => names([{ scope: "api", policy: { text: "<policies><inbound>", format: "rawxml" } }])).toThrow(
      UnsupportedInSandbox,
    );
  });
});
