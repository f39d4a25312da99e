import { childElements, parsePolicyDocument, type PolicyElement } from "../../../lib/policy";
import type { PolicyText } from "../gateway-catalog";
import type { Located, PolicyScope, Section } from "../statements/statement";
import { UnsupportedInSandbox } from "./gateway-errors";

/** The policy documents a call runs through, broadest first; a scope without one inherits everything. */
export type ScopeChain = { scope: PolicyScope; policy: PolicyText | undefined }[];

/**
 * The statements of one section for a call, with APIM's inheritance: `<base />` in a scope's
 * section stands for the parent scope's section at that place; a section without `<base />`
 * drops what the parents say; a scope without a document behaves as `<base />` alone. In the
 * global scope `<base />` has no effect.
 */
export function effectiveSection(chain: ScopeChain, section: Section): Located[] {
  const expand = (index: number): Located[] => {
    if (index < 0) return [];
    const { scope, policy } = chain[index]!;
    if (policy === undefined) return expand(index - 1);
    const element = sectionElement(policy, section, scope);
    if (element === undefined) return [];
    return childElements(element).flatMap((statement) =>
      statement.name === "base" ? expand(index - 1) : [{ element: statement, scope, section }],
    );
  };
  return expand(chain.length - 1);
}

const parsed = new Map<string, PolicyElement>();

function sectionElement(policy: PolicyText, section: Section, scope: PolicyScope): PolicyElement | undefined {
  const key = `${policy.format}\n${policy.text}`;
  let root = parsed.get(key);
  if (root === undefined) {
    const result = parsePolicyDocument(policy.text, policy.format);
    if (!result.ok) throw new UnsupportedInSandbox(`the ${scope} policy (${result.error.message})`);
    root = result.document.root;
    // Parsed documents are kept while their text is current; a change is a new key.
    if (parsed.size > 1000) parsed.clear();
    parsed.set(key, root);
  }
  return childElements(root).find((child) => child.name === section);
}
