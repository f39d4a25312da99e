/**
 * Line and column lookup for offsets into a policy document.
 *
 * Offsets are indexes into the JavaScript string (UTF-16 code units), because that is what
 * the merge splices with. Lines and columns are 1-based like APIM's own messages
 * ("Error in element 'x' on line 11, column 4"); `\r\n`, `\n` and a lone `\r` each end a line,
 * so a document re-serialised with CRLF reports the same lines as its LF original.
 */
export interface SourcePosition {
  /** Index into the document text (UTF-16 code units). */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in UTF-16 code units from the start of the line. */
  column: number;
}

export type PositionLookup = (offset: number) => SourcePosition;

export function createPositionLookup(text: string): PositionLookup {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lineStarts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }
  return (offset) => {
    // Binary search for the last line start at or before the offset.
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) low = mid;
      else high = mid - 1;
    }
    return { offset, line: low + 1, column: offset - (lineStarts[low] ?? 0) + 1 };
  };
}
