/**
 * What a policy refers to outside itself: `{{named value}}` references and backend ids. APIM
 * refuses a policy whose named values or backends do not exist yet, so the control plane orders
 * its ARM calls by these, and the simulator validates with them.
 */
import { rememberedPerDocument } from "./remembered-per-document";
import type { PolicyDocument, PolicyElement, PolicyNode } from "./policy-document";
import type { SourcePosition } from "./source-position";

export interface PolicyReferenceSite {
  /** The element holding the reference. */
  element: string;
  /** The attribute holding it, or undefined when it is in the element's text. */
  attribute?: string;
  /** Position of the element's `<` (where APIM points its errors). */
  line: number;
  column: number;
  /** Position of the attribute or text node that holds the reference. */
  at: SourcePosition;
}

export interface NamedValueReference extends PolicyReferenceSite {
  /** The name between the braces, as written. */
  name: string;
}

export interface BackendIdReference extends PolicyReferenceSite {
  backendId: string;
  /** A computed backend id (`@(…)`) cannot be checked before the request runs. */
  isExpression: boolean;
}

export interface PolicyReferences {
  namedValues: NamedValueReference[];
  backendIds: BackendIdReference[];
}

// APIM substitutes {{name}} wherever it appears in attribute values and text, including inside
// expressions (it is resolved before the expression is compiled). Comments are not substituted.
const NAMED_VALUE_REFERENCE = /\{\{([^{}]*)\}\}/g;

export function findNamedValueReferences(value: string): string[] {
  return [...value.matchAll(NAMED_VALUE_REFERENCE)].map((match) => match[1] ?? "");
}

/** `backend-id` on set-backend-service and the `*-backend-id` attributes of other policies. */
function isBackendIdAttribute(name: string): boolean {
  return name === "backend-id" || name.endsWith("-backend-id");
}

/** The references of a document, remembered with it and frozen (rememberedPerDocument): lint and planning both ask. */
export function listPolicyReferences(document: PolicyDocument): PolicyReferences {
  return referencesOf(document, undefined);
}

const referencesOf = rememberedPerDocument(
  (document: PolicyDocument): PolicyReferences => {
    const references: PolicyReferences = { namedValues: [], backendIds: [] };
    collect(document.root, references);
    return references;
  },
  { perDocument: 1 },
);

function collect(element: PolicyElement, references: PolicyReferences): void {
  const site = { element: element.name, line: element.start.line, column: element.start.column };
  for (const attribute of element.attributes) {
    for (const name of findNamedValueReferences(attribute.value)) {
      references.namedValues.push({ ...site, attribute: attribute.name, at: attribute.start, name });
    }
    if (isBackendIdAttribute(attribute.name)) {
      references.backendIds.push({
        ...site,
        attribute: attribute.name,
        at: attribute.start,
        backendId: attribute.value,
        isExpression: attribute.isExpression,
      });
    }
  }
  for (const child of element.children) {
    if (child.kind === "element") collect(child, references);
    else if (holdsText(child)) {
      for (const name of findNamedValueReferences(child.value)) {
        references.namedValues.push({ ...site, at: child.start, name });
      }
    }
  }
}

function holdsText(node: PolicyNode): node is Extract<PolicyNode, { kind: "text" | "cdata" }> {
  return node.kind === "text" || node.kind === "cdata";
}
