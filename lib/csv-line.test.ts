import { describe, expect, it } from "vitest";
import { csvLine } from "./csv-line";

describe("csvLine", () => {
  it("quotes what RFC 4180 needs quoted and leaves the rest", () => {
    expect(csvLine(["plain", 'say "hi"', "a,b", "two\nlines", null, 3, true])).toBe(
      'plain,"say ""hi""","a,b","two\nlines",,3,true\n',
    );
  });

  it.each(['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])(
    "makes %j text a spreadsheet does not run as a formula",
    (value) => {
      const cell = csvLine([value]).replace(/\n$/, "").replace(/^"|"$/g, "").replace(/""/g, '"');
      expect(cell).toBe(`'${value}`);
    },
  );
});
