import { describe, expect, it } from "vitest";
import { rotatedName } from "./rotated-name";

const at = new Date("2026-12-04T16:30:05.123Z");

describe("rotatedName", () => {
  it("adds the rotation's UTC time to the name", () => {
    expect(rotatedName("aoai-key", at)).toBe("aoai-key-r20261204163005123");
  });

  it("replaces an earlier rotation's suffix (with or without milliseconds) instead of piling suffixes up", () => {
    expect(rotatedName("aoai-key-r20250101000000", at)).toBe("aoai-key-r20261204163005123");
    expect(rotatedName("aoai-key-r20250101000000999", at)).toBe("aoai-key-r20261204163005123");
  });

  it("names the next rotation differently when it starts within the same second", () => {
    const first = rotatedName("aoai-key", at);
    expect(rotatedName(first, new Date(at.getTime() + 1))).not.toBe(first);
  });

  it("stays within APIM's 256 characters", () => {
    const name = rotatedName("k".repeat(256), at);
    expect(name).toHaveLength(256);
    expect(name.endsWith("-r20261204163005123")).toBe(true);
  });
});
