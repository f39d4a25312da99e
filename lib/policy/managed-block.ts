/**
 * How the engine recognises what it owns: one block of statements between two marker comments,
 * placed at the start of `<inbound>` (after a leading `<base />`).
 *
 * Comments survive APIM's re-serialisation (CRLF line ends, re-indentation, `=>` written `=&gt;`,
 * other attribute quotes): APIM keeps comments and their text, and only whitespace around them
 * changes. Markers are matched on their leading keyword, so re-indented or re-spaced comment text
 * still counts, and the block is always the marker comments plus the siblings between them.
 */
import { childElements, type PolicyElement, type PolicyNode } from "./document/policy-document";
import type { SourcePosition } from "./document/source-position";

export const BEGIN_MARKER =
  "<!-- portcullis:begin (managed by Portcullis: changes inside this block are replaced on the next push) -->";
export const END_MARKER = "<!-- portcullis:end -->";

const BEGIN = /^\s*portcullis:begin\b/;
const END = /^\s*portcullis:end\b/;

export interface ManagedBlock {
  /** The element whose children hold the block (normally `<inbound>`). */
  parent: PolicyElement;
  /** Position of the begin marker's `<!--`. */
  start: SourcePosition;
  /** Offset just after the end marker. */
  end: number;
  /** The nodes between the markers. */
  nodes: PolicyNode[];
}

export interface MarkerProblem {
  message: string;
  line: number;
  column: number;
}

export interface ManagedBlocks {
  blocks: ManagedBlock[];
  problems: MarkerProblem[];
}

/** Whether a node is a begin or end marker comment (matched on its leading keyword, see above). */
export function markerKind(node: PolicyNode): "begin" | "end" | undefined {
  if (node.kind !== "comment") return undefined;
  if (BEGIN.test(node.value)) return "begin";
  return END.test(node.value) ? "end" : undefined;
}

/** Finds every marker pair in the document; markers that do not pair up as siblings are problems. */
export function findManagedBlocks(root: PolicyElement, topLevel: readonly PolicyNode[]): ManagedBlocks {
  const found: ManagedBlocks = { blocks: [], problems: [] };
  for (const node of topLevel) {
    if (markerKind(node) !== undefined)
      found.problems.push(problem(node, "a Portcullis marker stands outside <policies>"));
  }
  collect(root, found);
  return found;
}

function collect(parent: PolicyElement, found: ManagedBlocks): void {
  let begin: { node: PolicyNode; index: number } | undefined;
  parent.children.forEach((node, index) => {
    const kind = markerKind(node);
    if (kind === "begin") {
      if (begin !== undefined)
        found.problems.push(
          problem(
            begin.node,
            `the Portcullis block begun here in <${parent.name}> has no end marker before the next begin marker`,
          ),
        );
      begin = { node, index };
    } else if (kind === "end") {
      if (begin === undefined)
        found.problems.push(
          problem(node, `this Portcullis end marker in <${parent.name}> has no begin marker before it`),
        );
      else
        found.blocks.push({
          parent,
          start: begin.node.start,
          end: node.end,
          nodes: parent.children.slice(begin.index + 1, index),
        });
      begin = undefined;
    } else if (node.kind === "element") {
      collect(node, found);
    }
  });
  if (begin !== undefined)
    found.problems.push(problem(begin.node, `the Portcullis block begun here in <${parent.name}> has no end marker`));
}

function problem(node: PolicyNode, message: string): MarkerProblem {
  return { message, line: node.start.line, column: node.start.column };
}

/**
 * Where the block belongs: `<inbound>` of a policy, or the top of a policy fragment (fragments hold
 * statements directly and are included into a section with include-fragment).
 */
export function blockContainer(root: PolicyElement): PolicyElement | undefined {
  return root.name === "fragment" ? root : childElements(root).find((element) => element.name === "inbound");
}
