import { parsePolicyDocument } from "./document/parse-policy-document";
import { findNamedValueReferences, listPolicyReferences } from "./document/policy-references";
import { findManagedBlocks } from "./managed-block";

/** Where a policy document uses a named value outside what Portcullis manages in it. */
export interface HandWrittenReference {
  /** The element holding the reference (`policies` when the document could not be parsed). */
  element: string;
  line: number;
}

/**
 * The `{{name}}` references to `name` in a policy document (APIM's `xml` format) that stand
 * outside Portcullis's managed blocks: statements a person wrote, which a plan of an access
 * profile never rewrites. APIM compares named value names case-insensitively. A document that
 * does not parse is searched as text, so a reference is never missed because of it.
 */
export function handWrittenReferences(xml: string, name: string): HandWrittenReference[] {
  const wanted = name.toLowerCase();
  const parsed = parsePolicyDocument(xml, "xml");
  if (!parsed.ok)
    return findNamedValueReferences(xml).some((found) => found.toLowerCase() === wanted)
      ? [{ element: "policies", line: 1 }]
      : [];
  const blocks = findManagedBlocks(parsed.document.root, parsed.document.nodes).blocks;
  const managed = (offset: number) => blocks.some((block) => block.start.offset < offset && offset < block.end);
  return listPolicyReferences(parsed.document)
    .namedValues.filter((reference) => reference.name.toLowerCase() === wanted && !managed(reference.at.offset))
    .map((reference) => ({ element: reference.element, line: reference.line }));
}
