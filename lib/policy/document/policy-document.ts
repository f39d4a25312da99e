/**
 * The document model every part of the engine (and the APIM simulator) reads policies through.
 * It keeps exact source offsets so that the merge can splice text and leave every byte it does
 * not own untouched, and 1-based line/column so messages can point where APIM would.
 */
import type { SourcePosition } from "./source-position";

/** `xml`: well-formed XML. `rawxml`: XML whose `@(…)`/`@{…}` expressions hold raw C# (`<`, `&&`, `"`). */
export type PolicyFormat = "xml" | "rawxml";

export interface PolicyAttribute {
  name: string;
  /** Entity-decoded, normalised value; an expression in `rawxml` is kept exactly as written. */
  value: string;
  /** True when the value is a policy expression (`@(…)` or `@{…}`). */
  isExpression: boolean;
  quote: '"' | "'";
  /** Position of the attribute name. */
  start: SourcePosition;
  /** Offsets of the value between the quotes. */
  valueStart: number;
  valueEnd: number;
}

export interface PolicyElement {
  kind: "element";
  name: string;
  attributes: PolicyAttribute[];
  children: PolicyNode[];
  selfClosing: boolean;
  /** Position of the `<` that opens the element. */
  start: SourcePosition;
  /** Offset just after the element's last `>`. */
  end: number;
  /** Offset just after the start tag (equals `end` when self-closing). */
  contentStart: number;
  /** Offset of the end tag's `</` (equals `end` when self-closing). */
  contentEnd: number;
}

export interface PolicyText {
  kind: "text";
  /** Entity-decoded text with line ends normalised to `\n`; expressions in `rawxml` kept as written. */
  value: string;
  /** True when the text, leading whitespace aside, is a policy expression. */
  isExpression: boolean;
  start: SourcePosition;
  end: number;
}

export interface PolicyComment {
  kind: "comment";
  /** What stands between `<!--` and `-->`. */
  value: string;
  start: SourcePosition;
  end: number;
}

export interface PolicyCData {
  kind: "cdata";
  value: string;
  start: SourcePosition;
  end: number;
}

export interface PolicyInstruction {
  kind: "processing-instruction";
  target: string;
  data: string;
  start: SourcePosition;
  end: number;
}

export type PolicyNode = PolicyElement | PolicyText | PolicyComment | PolicyCData | PolicyInstruction;

export interface PolicyDocument {
  format: PolicyFormat;
  text: string;
  /** The single root element (`<policies>` for a policy, `<fragment>` for a fragment). */
  root: PolicyElement;
  /** Everything at the top level, in order: comments, whitespace, the root. */
  nodes: PolicyNode[];
}

export interface PolicyParseError {
  message: string;
  line: number;
  column: number;
  offset: number;
}

export type PolicyParseResult = { ok: true; document: PolicyDocument } | { ok: false; error: PolicyParseError };

/** The element children of an element, in document order. */
export function childElements(element: PolicyElement): PolicyElement[] {
  return element.children.filter((child): child is PolicyElement => child.kind === "element");
}

export function attributeValue(element: PolicyElement, name: string): string | undefined {
  return element.attributes.find((attribute) => attribute.name === name)?.value;
}

/** Concatenated text and CDATA content of an element's direct children. */
export function textContent(element: PolicyElement): string {
  let text = "";
  for (const child of element.children) {
    if (child.kind === "text" || child.kind === "cdata") text += child.value;
  }
  return text;
}

/** Every element below (and including) `element`, depth first in document order. */
export function* descendantElements(element: PolicyElement): Generator<PolicyElement> {
  yield element;
  for (const child of element.children) {
    if (child.kind === "element") yield* descendantElements(child);
  }
}
