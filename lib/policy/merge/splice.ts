/** One replacement of `text.slice(start, end)`; offsets refer to the original text. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/**
 * Applies non-overlapping splices; everything outside them is copied unchanged. At the same
 * offset an insertion goes before a removal (a new block can go right where a statement it
 * takes over began).
 */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => a.start - b.start || a.end - b.end);
  let result = "";
  let copied = 0;
  for (const splice of ordered) {
    if (splice.start < copied) throw new Error("overlapping splices");
    result += text.slice(copied, splice.start) + splice.insert;
    copied = splice.end;
  }
  return result + text.slice(copied);
}

/**
 * Removes `text.slice(start, end)` with the line break and indentation before it when it begins
 * its line: the reverse of inserting `line break + indentation + content`, so inserting and then
 * removing gives back the original bytes. What follows on the same line stays.
 */
export function removalWithItsLine(text: string, start: number, end: number): Splice {
  let from = start;
  while (from > 0 && (text[from - 1] === " " || text[from - 1] === "\t")) from--;
  if (text[from - 1] === "\n") from -= text[from - 2] === "\r" ? 2 : 1;
  else if (text[from - 1] === "\r") from--;
  else from = start;
  return { start: from, end, insert: "" };
}
