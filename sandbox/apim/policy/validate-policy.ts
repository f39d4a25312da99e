import {
  listPolicyReferences,
  parsePolicyDocumentOnce,
  type PolicyDocument,
  type PolicyFormat,
  type PolicyReferenceSite,
} from "../../../lib/policy";
import { rememberedPerDocument } from "../../../lib/policy/document/remembered-per-document";
import { validationError } from "../arm/apim-errors";
import { serializePolicy } from "./serialize-policy";

/**
 * The checks APIM makes when a policy is PUT (01-arm-rest-reference.md §5), through the
 * policy engine's parser:
 * - the document must parse in its format. APIM reports the XML reader's message with
 *   target `representation` and "Line L, position C." (recorded in pulumi/pulumi-azure#611);
 *   the message text here is our parser's, not .NET's.
 * - every `{{named value}}` must exist, by display name;
 * - every literal `backend-id` must name an existing backend. Ids computed by an expression
 *   or built from a `{{named value}}` are not checked (APIM cannot know them either).
 * A failed reference is answered like the recorded include-fragment error: target = the
 * element, message "Error in element 'x' on line L, column C: …", column counted at the
 * element name (one past the `<`), as .NET's XmlReader does. Only the first problem in the
 * document is reported.
 */
export interface PolicyLookups {
  namedValueExists(displayName: string): boolean;
  backendExists(backendId: string): boolean;
}

export interface ValidatedPolicy {
  /** As GET ?format=xml returns it. */
  xml: string;
  /** As GET ?format=rawxml returns it. */
  rawxml: string;
  namedValueRefs: string[];
  backendRefs: string[];
}

export function validatePolicy(value: string, format: PolicyFormat, lookups: PolicyLookups): ValidatedPolicy {
  const parsed = parsePolicyDocumentOnce(value, format);
  if (!parsed.ok) {
    const { message, line, column } = parsed.error;
    throw validationError([
      { code: "ValidationError", target: "representation", message: `${message} Line ${line}, position ${column}.` },
    ]);
  }
  const references = listPolicyReferences(parsed.document);
  const { xml, rawxml } = serialisationsOf(parsed.document, undefined);
  const problems: (PolicyReferenceSite & { problem: string })[] = [
    ...references.namedValues
      .filter((reference) => !lookups.namedValueExists(reference.name))
      // Extrapolated from the recorded backend-credentials error "Property 'x' not found."
      .map((reference) => ({ ...reference, problem: `Property '${reference.name}' not found.` })),
    ...references.backendIds
      .filter(
        (reference) =>
          !reference.isExpression && !reference.backendId.includes("{{") && !lookups.backendExists(reference.backendId),
      )
      // Invented, in the words of the recorded "Policy fragment with id 'x' could not be found."
      .map((reference) => ({ ...reference, problem: `Backend with id '${reference.backendId}' could not be found.` })),
  ];
  const first = problems.sort((a, b) => a.at.offset - b.at.offset)[0];
  if (first !== undefined) {
    throw validationError([
      {
        code: "ValidationError",
        target: first.element,
        message: `Error in element '${first.element}' on line ${first.line}, column ${first.column + 1}: ${first.problem}`,
      },
    ]);
  }
  return {
    xml,
    rawxml,
    namedValueRefs: unique(references.namedValues.map((reference) => reference.name)),
    backendRefs: unique(
      references.backendIds.filter((reference) => !reference.isExpression).map((reference) => reference.backendId),
    ),
  };
}

/**
 * A parsed document's two serialisations, computed once per document: the same text is PUT again
 * and again (a change set or a template's new version writes one policy to every API it holds),
 * its parse is shared through lib/policy's memo of recent texts, and its references are
 * remembered by listPolicyReferences alike. The references are checked against the state on every PUT.
 */
const serialisationsOf = rememberedPerDocument(
  (document: PolicyDocument) => ({
    xml: serializePolicy(document, "xml"),
    rawxml: serializePolicy(document, "rawxml"),
  }),
  { perDocument: 1 },
);

function unique(names: string[]): string[] {
  return [...new Map(names.map((name) => [name.toLowerCase(), name])).values()];
}
