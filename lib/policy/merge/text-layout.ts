/**
 * Reads the layout a document already uses, so inserted lines look like their neighbours and a
 * document APIM re-indented with CRLF gets CRLF and its own indentation back.
 */
import { childElements, type PolicyDocument, type PolicyElement } from "../document/policy-document";

const DEFAULT_UNIT = "    ";

/** CRLF when the document's first line break is CRLF, LF otherwise. */
export function lineEnding(text: string): string {
  const first = text.search(/\r\n|\n|\r/);
  return first >= 0 && text[first] === "\r" ? (text[first + 1] === "\n" ? "\r\n" : "\r") : "\n";
}

/** The whitespace before `offset` on its line, or undefined when something else precedes it there. */
export function indentationAt(text: string, offset: number): string | undefined {
  let i = offset;
  while (i > 0 && (text[i - 1] === " " || text[i - 1] === "\t")) i--;
  if (i > 0 && text[i - 1] !== "\n" && text[i - 1] !== "\r") return undefined;
  return text.slice(i, offset);
}

/** One level of indentation: how far `<inbound>` (or, without one, the first section) is indented from `<policies>`. */
export function indentationUnit(document: PolicyDocument, inbound: PolicyElement | undefined): string {
  const rootIndent = indentationAt(document.text, document.root.start.offset) ?? "";
  const section = inbound ?? childElements(document.root)[0];
  const inboundIndent = section === undefined ? undefined : indentationAt(document.text, section.start.offset);
  if (inboundIndent !== undefined && inboundIndent.length > rootIndent.length && inboundIndent.startsWith(rootIndent)) {
    return inboundIndent.slice(rootIndent.length);
  }
  return DEFAULT_UNIT;
}

/** Indentation for a child of `parent`: the indentation of its first child element when that stands on its own line. */
export function childIndentation(text: string, parent: PolicyElement, unit: string): string {
  const first = parent.children.find((child) => child.kind === "element");
  const existing = first === undefined ? undefined : indentationAt(text, first.start.offset);
  if (existing !== undefined) return existing;
  return (indentationAt(text, parent.start.offset) ?? "") + unit;
}
