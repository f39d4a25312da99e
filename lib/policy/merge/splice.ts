/** One replacement of `text.slice(start, end)`; offsets refer to the original text. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Applies non-overlapping splices; everything outside them is copied unchanged. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const ordered = [...splices].sort((a, b) => a.start - b.start);
  let result = "";
  let copied = 0;
  for (const splice of ordered) {
    if (splice.start < copied) throw new Error("overlapping splices");
    result += text.slice(copied, splice.start) + splice.insert;
    copied = splice.end;
  }
  return result + text.slice(copied);
}
