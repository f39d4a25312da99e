import type { PolicyDocument, PolicyElement, PolicyNode } from "../../../lib/policy";

/**
 * Writes a parsed policy back the way APIM returns it from GET, i.e. the way .NET's
 * XmlWriter (indenting, CRLF) writes an XmlDocument loaded without whitespace:
 * - whitespace-only text is dropped and elements are re-indented by two spaces
 *   (examples/2022-08-01/ApiManagementCreateApiPolicy.json);
 * - an element written `<x></x>` stays so, `<x />` stays self-closing
 *   (recordings/azure-cli__test_apim_api_policy.yaml);
 * - an element holding text is written inline, its text verbatim but for escaping
 *   (examples/2024-05-01/ApiManagementGetApiPolicy.json);
 * - text escapes `& < >` (so `=>` becomes `=&gt;`), attributes also `"`, tab, CR and LF
 *   (`&#x9;` in the same example); every line break becomes CRLF.
 * `rawxml` (GET ?format=rawxml) leaves policy expressions unescaped.
 *
 * The 2021-08-01 recording indented with tabs; the 2022-08-01 and 2024-05-01 examples use
 * two spaces, which is what the api-versions served here follow.
 */
export type ExportFormat = "xml" | "rawxml";

const EOL = "\r\n";
const INDENT = "  ";

export function serializePolicy(document: PolicyDocument, format: ExportFormat): string {
  return significant(document.nodes)
    .map((node) => writeBlock(node, 0, format))
    .join(EOL);
}

function writeBlock(node: PolicyNode, depth: number, format: ExportFormat): string {
  const indent = INDENT.repeat(depth);
  if (node.kind !== "element") return indent + writeInline(node, format);
  const children = significant(node.children);
  if (children.length === 0 || children.some((child) => child.kind === "text" || child.kind === "cdata")) {
    return indent + writeInline(node, format);
  }
  const inner = children.map((child) => writeBlock(child, depth + 1, format)).join(EOL);
  return `${indent}${startTag(node, format)}${EOL}${inner}${EOL}${indent}</${node.name}>`;
}

/** Mixed content: .NET stops indenting inside an element once it meets text. */
function writeInline(node: PolicyNode, format: ExportFormat): string {
  switch (node.kind) {
    case "text":
      return lineBreaks(node.isExpression && format === "rawxml" ? node.value : escapeText(node.value));
    case "cdata":
      return `<![CDATA[${lineBreaks(node.value)}]]>`;
    case "comment":
      return `<!--${lineBreaks(node.value)}-->`;
    case "processing-instruction":
      return `<?${node.target} ${node.data}?>`;
    case "element": {
      const children = significant(node.children);
      if (children.length === 0)
        return node.selfClosing
          ? `${startTag(node, format).slice(0, -1)} />`
          : `${startTag(node, format)}</${node.name}>`;
      return `${startTag(node, format)}${children.map((child) => writeInline(child, format)).join("")}</${node.name}>`;
    }
  }
}

function startTag(element: PolicyElement, format: ExportFormat): string {
  const attributes = element.attributes.map(({ name, value, isExpression }) => {
    return ` ${name}="${isExpression && format === "rawxml" ? value : escapeAttribute(value)}"`;
  });
  return `<${element.name}${attributes.join("")}>`;
}

/** Whitespace-only text is not kept when APIM loads a policy. */
function significant(nodes: readonly PolicyNode[]): PolicyNode[] {
  return nodes.filter((node) => node.kind !== "text" || node.value.trim() !== "");
}

function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/\t/g, "&#x9;")
    .replace(/\n/g, "&#xA;")
    .replace(/\r/g, "&#xD;");
}

function lineBreaks(value: string): string {
  return value.replace(/\r\n?|\n/g, EOL);
}
