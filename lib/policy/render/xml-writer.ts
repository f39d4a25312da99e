/**
 * Writes the small elements the engine generates. Values are always escaped, so a profile value
 * can only ever be the text of one attribute or one element: never markup.
 */
import { escapeAttributeValue, escapeText } from "../document/xml-entities";

export interface XmlElement {
  name: string;
  attributes: ReadonlyArray<readonly [string, string]>;
  /** Either child elements or a single text value, which is written inline. */
  content: XmlElement[] | string;
}

export function xmlElement(
  name: string,
  attributes: XmlElement["attributes"] = [],
  content: XmlElement["content"] = [],
): XmlElement {
  return { name, attributes, content };
}

export interface Layout {
  /** Indentation of the first line (the caller has already written it). */
  indent: string;
  /** One level of indentation. */
  unit: string;
  eol: string;
}

/** Writes an element starting at the current position; child lines are indented from `layout.indent`. */
export function writeElement(element: XmlElement, layout: Layout): string {
  const attributes = element.attributes.map(([name, value]) => ` ${name}="${escapeAttributeValue(value)}"`).join("");
  const open = `<${element.name}${attributes}`;
  if (typeof element.content === "string") return `${open}>${escapeText(element.content)}</${element.name}>`;
  if (element.content.length === 0) return `${open} />`;
  const inner = { ...layout, indent: layout.indent + layout.unit };
  const children = element.content.map((child) => `${layout.eol}${inner.indent}${writeElement(child, inner)}`).join("");
  return `${open}>${children}${layout.eol}${layout.indent}</${element.name}>`;
}
