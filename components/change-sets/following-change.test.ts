import { describe, expect, it } from "vitest";
import { followingText } from "./following-change";

describe("followingText", () => {
  it("names the template once when it stays, and (none) for no template", () => {
    expect(followingText({ before: null, after: { name: "X", version: 3 } })).toBe("(none) → X v3");
    expect(followingText({ before: { name: "X", version: 2 }, after: { name: "X", version: 1 } })).toBe("X v2 → v1");
    expect(followingText({ before: { name: "X", version: null }, after: null })).toBe("X → (none)");
    expect(followingText({ before: { name: "X", version: 2 }, after: { name: "Y", version: 1 } })).toBe("X v2 → Y v1");
    expect(followingText({ before: { name: "X", version: null }, after: { name: "X", version: 4 } })).toBe("X → v4");
  });
});
