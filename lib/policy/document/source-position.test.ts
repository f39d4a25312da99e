import { describe, expect, it } from "vitest";
import { createPositionLookup } from "./source-position";

describe("createPositionLookup", () => {
  it("counts LF, CRLF and lone CR as one line break each, 1-based", () => {
    const positionAt = createPositionLookup("ab\ncd\r\nef\rgh");
    expect(positionAt(0)).toEqual({ offset: 0, line: 1, column: 1 });
    expect(positionAt(4)).toEqual({ offset: 4, line: 2, column: 2 });
    expect(positionAt(7)).toEqual({ offset: 7, line: 3, column: 1 });
    expect(positionAt(11)).toEqual({ offset: 11, line: 4, column: 2 });
  });
});
