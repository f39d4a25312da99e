/**
 * Puts a profile's statements into an existing API policy, replacing the engine's previous block
 * and nothing else. Every byte outside the block is copied from the input (the only exceptions:
 * a self-closing `<inbound />` or a missing `<inbound>` must be written out to hold the block,
 * and, only when asked with `adopt`, the hand-written statements the new block takes over).
 */
import { parsePolicy, type PolicySource } from "../document/parse-policy-document";
import { childElements, type PolicyDocument, type PolicyElement, type PolicyFormat } from "../document/policy-document";
import { BEGIN_MARKER, END_MARKER, blockContainer, findManagedBlocks } from "../managed-block";
import type { AccessProfile } from "../profile-schema";
import { renderStatements } from "../render/render-statements";
import { writeElement, type Layout, type XmlElement } from "../render/xml-writer";
import { adoptedStatements } from "./adopted-statements";
import { applySplices, removalWithItsLine, type Splice } from "./splice";
import { childIndentation, indentationAt, indentationUnit, lineEnding } from "./text-layout";

/** What APIM stores for an API without a policy of its own, written the way the engine writes. */
export const EMPTY_POLICY_DOCUMENT = [
  "<policies>",
  "    <inbound>",
  "        <base />",
  "    </inbound>",
  "    <backend>",
  "        <base />",
  "    </backend>",
  "    <outbound>",
  "        <base />",
  "    </outbound>",
  "    <on-error>",
  "        <base />",
  "    </on-error>",
  "</policies>",
  "",
].join("\n");

export interface MergeOptions {
  /** How to read an existing text; by default `xml` when it is well-formed, `rawxml` otherwise. A document is merged as parsed. */
  format?: PolicyFormat;
  /**
   * Take over a hand-written policy: when the document has no managed block yet and the profile
   * writes one, also remove the hand-written statements readAccessProfile adopted the profile
   * from (see adopted-statements.ts), each with its line. With a block present it changes nothing.
   */
  adopt?: boolean;
}

export interface MergeError {
  message: string;
  line?: number;
  column?: number;
}

/** `format` is the format to upload the result with: that of the input (the engine's block is well-formed either way). */
export type MergeResult = { ok: true; text: string; format: PolicyFormat } | { ok: false; error: MergeError };

export function mergePolicy(existing: PolicySource, profile: AccessProfile, options: MergeOptions = {}): MergeResult {
  const source = typeof existing === "string" && existing.trim() === "" ? EMPTY_POLICY_DOCUMENT : existing;
  const parsed = parsePolicy(source, options.format);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const document = parsed.document;
  const { root, text } = document;
  const { blocks, problems } = findManagedBlocks(root, document.nodes);
  const problem = problems[0];
  if (problem !== undefined)
    return { ok: false, error: { ...problem, message: `${problem.message}; repair or remove the marker by hand` } };

  const container = blockContainer(root);
  const target = blocks.find((block) => block.parent === container);
  const splices: Splice[] = blocks
    .filter((block) => block !== target)
    .map((block) => removalWithItsLine(text, block.start.offset, block.end));
  const statements = renderStatements(profile);
  const unit = indentationUnit(document, container === root ? undefined : container);
  const eol = lineEnding(text);
  if (statements.length === 0) {
    if (target !== undefined) splices.push(removalWithItsLine(text, target.start.offset, target.end));
  } else if (target !== undefined) {
    const indent = indentationAt(text, target.start.offset) ?? childIndentation(text, target.parent, unit);
    splices.push({
      start: target.start.offset,
      end: target.end,
      insert: writeBlock(statements, { indent, unit, eol }),
    });
  } else {
    splices.push(insertion(document, container, statements, unit, eol));
    if (options.adopt === true && container !== undefined) {
      splices.push(
        ...adoptedStatements(container, profile).map((statement) =>
          removalWithItsLine(text, statement.start.offset, statement.end),
        ),
      );
    }
  }
  return { ok: true, text: applySplices(text, splices), format: document.format };
}

function writeBlock(statements: readonly XmlElement[], layout: Layout): string {
  const lines = statements
    .map((statement) => `${layout.eol}${layout.indent}${writeElement(statement, layout)}`)
    .join("");
  return `${BEGIN_MARKER}${lines}${layout.eol}${layout.indent}${END_MARKER}`;
}

/**
 * A new block goes after a leading `<base />` (inherited policies run first, as APIM's default
 * document arranges), otherwise first in its container, on its own line.
 */
function insertion(
  document: PolicyDocument,
  container: PolicyElement | undefined,
  statements: readonly XmlElement[],
  unit: string,
  eol: string,
): Splice {
  const { text, root } = document;
  if (container !== undefined && !container.selfClosing) {
    const first = childElements(container)[0];
    const anchor = first?.name === "base" ? first : undefined;
    const indent =
      (anchor === undefined ? undefined : indentationAt(text, anchor.start.offset)) ??
      childIndentation(text, container, unit);
    const at = anchor?.end ?? container.contentStart;
    return { start: at, end: at, insert: `${eol}${indent}${writeBlock(statements, { indent, unit, eol })}` };
  }
  // A self-closing or missing container has to be written out to hold the block.
  const rootIndent = indentationAt(text, root.start.offset) ?? "";
  const containerIndent =
    (container === undefined ? undefined : indentationAt(text, container.start.offset)) ?? rootIndent + unit;
  const name = container?.name ?? "inbound";
  const blockIndent = container === root ? rootIndent + unit : containerIndent + unit;
  const written = `<${name}>${eol}${blockIndent}${writeBlock(statements, { indent: blockIndent, unit, eol })}${eol}${container === root ? rootIndent : containerIndent}</${name}>`;
  if (container !== undefined) return { start: container.start.offset, end: container.end, insert: written };
  if (!root.selfClosing)
    return { start: root.contentStart, end: root.contentStart, insert: `${eol}${containerIndent}${written}` };
  return {
    start: root.start.offset,
    end: root.end,
    insert: `<policies>${eol}${containerIndent}${written}${eol}${rootIndent}</policies>`,
  };
}
