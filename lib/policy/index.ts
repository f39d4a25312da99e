/**
 * Public API of the policy engine. Everything here is pure: text and objects in, text and
 * objects out. See README.md in this folder for the design.
 */
export type {
  PolicyAttribute,
  PolicyCData,
  PolicyComment,
  PolicyDocument,
  PolicyElement,
  PolicyFormat,
  PolicyInstruction,
  PolicyNode,
  PolicyParseError,
  PolicyParseResult,
  PolicyText,
} from "./document/policy-document";
export { attributeValue, childElements, descendantElements, textContent } from "./document/policy-document";
export type { SourcePosition } from "./document/source-position";
export { parsePolicyDocument, parsePolicyDocumentOfAnyFormat } from "./document/parse-policy-document";
export type {
  BackendIdReference,
  NamedValueReference,
  PolicyReferences,
  PolicyReferenceSite,
} from "./document/policy-references";
export { findNamedValueReferences, listPolicyReferences } from "./document/policy-references";
