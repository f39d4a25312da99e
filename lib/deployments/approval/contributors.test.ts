import { describe, expect, it } from "vitest";
import { planContributors, type PlanInputs, type VersionInput } from "./contributors";

const ann = { oid: "oid-ann", name: "Ann" };
const bob = { oid: "oid-bob", name: "Bob" };
const cat = { oid: "oid-cat", name: "Cat" };

const version = (number: number, author = ann, template: VersionInput["template"] = null): VersionInput => ({
  version: number,
  author,
  template,
});

const inputs = (overrides: Partial<PlanInputs>): PlanInputs => ({
  apimName: "llm",
  brought: [],
  baselineTemplate: null,
  plannedVariables: null,
  baselineVariables: null,
  ...overrides,
});

const wrote = (overrides: Partial<PlanInputs>) =>
  planContributors(inputs(overrides)).map(({ name, wrote: what }) => `${name}: ${what}`);

describe("who contributed to a plan", () => {
  it("names the author of every version it brings, earlier unapplied ones included", () => {
    expect(wrote({ brought: [version(4, bob), version(5, ann)] })).toEqual([
      "Bob: profile version 4 of llm",
      "Ann: profile version 5 of llm",
    ]);
  });

  it("names a template version's author unless the applied version came from that same template version", () => {
    const template = { id: "t1", name: "standard", version: 3, author: cat };
    expect(wrote({ brought: [version(5, ann, template)] })).toContain("Cat: template standard version 3");
    expect(wrote({ brought: [version(5, ann, template)], baselineTemplate: { id: "t1", version: 2 } })).toContain(
      "Cat: template standard version 3",
    );
    expect(wrote({ brought: [version(5, ann, template)], baselineTemplate: { id: "t1", version: 3 } })).toEqual([
      "Ann: profile version 5 of llm",
    ]);
    // A deleted template's versions are gone: nobody to name.
    expect(wrote({ brought: [version(5, ann, { ...template, author: null })] })).toEqual([
      "Ann: profile version 5 of llm",
    ]);
  });

  it("names the writer of each variable value the applied version did not have, not of one it had", () => {
    const planned = [
      { name: "tenant", value: "new.example", writtenBy: bob },
      { name: "chatApp", value: "app-1", writtenBy: cat },
      { name: "audience", value: "api://llm", writtenBy: cat },
    ];
    const applied = [
      { name: "tenant", value: "old.example", writtenBy: ann },
      { name: "chatApp", value: "app-1", writtenBy: ann },
    ];
    expect(wrote({ plannedVariables: planned, baselineVariables: applied })).toEqual([
      "Bob: the value of ${tenant} planned for llm",
      "Cat: the value of ${audience} planned for llm",
    ]);
    // Nothing applied (or not kept): every value is new to the API.
    expect(wrote({ plannedVariables: planned })).toHaveLength(3);
  });

  it("names nobody for a plan that restores what was applied", () => {
    expect(planContributors(inputs({}))).toEqual([]);
  });
});
