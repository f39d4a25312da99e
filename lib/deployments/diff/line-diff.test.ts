import { describe, expect, it } from "vitest";
import { lineDiff, splitLines } from "./line-diff";

const numbered = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1}`);

describe("line diff", () => {
  it("has no hunks for equal texts, whatever their line endings", () => {
    expect(lineDiff("a\nb\n", "a\r\nb")).toEqual([]);
  });

  it("shows one changed line with three lines of context and 1-based starts", () => {
    const before = numbered(10);
    const after = before.map((line) => (line === "line 5" ? "line five" : line));

    expect(lineDiff(before.join("\n"), after.join("\r\n"))).toEqual([
      {
        beforeStart: 2,
        afterStart: 2,
        lines: [
          { op: "context", text: "line 2" },
          { op: "context", text: "line 3" },
          { op: "context", text: "line 4" },
          { op: "removed", text: "line 5" },
          { op: "added", text: "line five" },
          { op: "context", text: "line 6" },
          { op: "context", text: "line 7" },
          { op: "context", text: "line 8" },
        ],
      },
    ]);
  });

  it("aligns insertions in the middle instead of replacing everything after them", () => {
    const hunks = lineDiff("a\nb\nc\nd", "a\nb\nx\nc\nd");
    expect(hunks).toHaveLength(1);
    expect(hunks[0]!.lines.filter((l) => l.op !== "context")).toEqual([{ op: "added", text: "x" }]);
    expect(hunks[0]).toMatchObject({ beforeStart: 1, afterStart: 1 });
  });

  it("keeps far-apart changes in separate hunks and close ones in one", () => {
    const before = numbered(30);
    const far = before.map((line) => (line === "line 3" || line === "line 25" ? `${line}!` : line));
    const near = before.map((line) => (line === "line 3" || line === "line 8" ? `${line}!` : line));

    const farHunks = lineDiff(before.join("\n"), far.join("\n"));
    expect(farHunks.map((h) => [h.beforeStart, h.lines.length])).toEqual([
      [1, 7],
      [22, 8],
    ]);
    expect(lineDiff(before.join("\n"), near.join("\n"))).toHaveLength(1);
  });

  it("diffs from and to nothing", () => {
    expect(lineDiff("", "a\nb")).toEqual([
      {
        beforeStart: 1,
        afterStart: 1,
        lines: [
          { op: "added", text: "a" },
          { op: "added", text: "b" },
        ],
      },
    ]);
    expect(lineDiff("a", "")).toEqual([{ beforeStart: 1, afterStart: 1, lines: [{ op: "removed", text: "a" }] }]);
  });

  it("splits CRLF, CR and LF alike and ignores one final line break", () => {
    expect(splitLines("a\r\nb\rc\nd\n")).toEqual(["a", "b", "c", "d"]);
    expect(splitLines("")).toEqual([]);
  });
});
