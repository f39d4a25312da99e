/**
 * A line diff of two texts as hunks with context, for showing a policy before and after.
 * Line endings are not content (APIM answers CRLF whatever was sent), so CRLF, CR and LF all
 * end a line.
 *
 * The common head and tail are cut off first; what is left (usually a few lines around an
 * edit) is aligned by longest common subsequence. A middle too large for that table is shown
 * as removed-then-added, which is still a correct diff, only a coarser one.
 */
export interface DiffLine {
  op: "context" | "removed" | "added";
  text: string;
}

export interface DiffHunk {
  /** 1-based first line of the hunk in the text before (or the line it follows when it has none). */
  beforeStart: number;
  afterStart: number;
  lines: DiffLine[];
}

const CONTEXT = 3;
const MAX_TABLE_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

export function lineDiff(before: string, after: string): DiffHunk[] {
  return toHunks(diffLines(splitLines(before), splitLines(after)));
}

function diffLines(a: string[], b: string[]): DiffLine[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = alignMiddle(a.slice(head, a.length - tail), b.slice(head, b.length - tail));
  const context = (lines: string[]) => lines.map((text): DiffLine => ({ op: "context", text }));
  return [...context(a.slice(0, head)), ...middle, ...context(a.slice(a.length - tail))];
}

function alignMiddle(a: string[], b: string[]): DiffLine[] {
  const removed = (text: string): DiffLine => ({ op: "removed", text });
  const added = (text: string): DiffLine => ({ op: "added", text });
  if (a.length === 0 || b.length === 0 || a.length * b.length > MAX_TABLE_CELLS)
    return [...a.map(removed), ...b.map(added)];
  // lcs[i * width + j] = length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ op: "context", text: a[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      lines.push(removed(a[i++]!));
    } else {
      lines.push(added(b[j++]!));
    }
  }
  return [...lines, ...a.slice(i).map(removed), ...b.slice(j).map(added)];
}

/** Groups changed lines with up to CONTEXT unchanged lines around them; far-apart changes get their own hunk. */
function toHunks(lines: DiffLine[]): DiffHunk[] {
  const open: Array<{ hunk: DiffHunk; lastChange: number }> = [];
  let beforeLine = 1;
  let afterLine = 1;
  lines.forEach((line, index) => {
    if (line.op !== "context") {
      const current = open.at(-1);
      if (current === undefined || index - current.lastChange > 2 * CONTEXT) {
        const lead = lines.slice(Math.max(0, index - CONTEXT), index);
        open.push({
          hunk: { beforeStart: beforeLine - lead.length, afterStart: afterLine - lead.length, lines: [...lead, line] },
          lastChange: index,
        });
      } else {
        current.hunk.lines.push(...lines.slice(current.lastChange + 1, index + 1));
        current.lastChange = index;
      }
    }
    if (line.op !== "added") beforeLine++;
    if (line.op !== "removed") afterLine++;
  });
  // Changes closer than 2 * CONTEXT share a hunk, so what follows the last change is all context.
  return open.map(({ hunk, lastChange }) => ({
    ...hunk,
    lines: [...hunk.lines, ...lines.slice(lastChange + 1, lastChange + 1 + CONTEXT)],
  }));
}
