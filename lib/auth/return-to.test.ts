import { describe, expect, it } from "vitest";
import { safeReturnTo } from "./return-to";

describe("return address after sign-in", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeReturnTo("/apis/123?tab=plan")).toBe("/apis/123?tab=plan");
  });

  it.each(["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "apis", "/a\nb", ""])(
    "sends %j home instead",
    (value) => {
      expect(safeReturnTo(value)).toBe("/");
    },
  );

  it("sends missing values home", () => {
    expect(safeReturnTo(undefined)).toBe("/");
  });
});
