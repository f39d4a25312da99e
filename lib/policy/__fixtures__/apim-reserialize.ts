/**
 * Test helper: writes a parsed policy the way APIM returns it from GET (format=xml): CRLF line
 * ends, two-space indentation, double-quoted attributes, and every value XML-escaped, so
 * `h => h.Key` in an expression comes back as `h =&gt; h.Key`. Comments and text are kept.
 */
import type { PolicyDocument, PolicyNode } from "../document/policy-document";

const EOL = "\r\n";

function escape(value: string, inAttribute: boolean): string {
  const escaped = value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return inAttribute ? escaped.replace(/"/g, "&quot;") : escaped;
}

function write(node: PolicyNode, depth: number): string {
  const indent = "  ".repeat(depth);
  switch (node.kind) {
    case "comment":
      return `${indent}<!--${node.value}-->`;
    case "cdata":
      return `${indent}<![CDATA[${node.value}]]>`;
    case "processing-instruction":
      return `${indent}<?${node.target} ${node.data}?>`;
    case "text":
      return node.value.trim() === "" ? "" : escape(node.value, false);
    case "element": {
      const attributes = node.attributes.map((attribute) => ` ${attribute.name}="${escape(attribute.value, true)}"`).join("");
      const children = node.children.filter((child) => child.kind !== "text" || child.value.trim() !== "");
      if (children.length === 0) return `${indent}<${node.name}${attributes} />`;
      if (children.every((child) => child.kind === "text" || child.kind === "cdata")) {
        return `${indent}<${node.name}${attributes}>${children.map((child) => write(child, 0)).join("")}</${node.name}>`;
      }
      const inner = children.map((child) => (child.kind === "text" ? escape(child.value, false) : write(child, depth + 1))).join(EOL);
      return `${indent}<${node.name}${attributes}>${EOL}${inner}${EOL}${indent}</${node.name}>`;
    }
  }
}

export function apimReserialize(document: PolicyDocument): string {
  return document.nodes
    .map((node) => write(node, 0))
    .filter((line) => line !== "")
    .join(EOL);
}
