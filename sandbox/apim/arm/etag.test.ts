import { describe, expect, it } from "vitest";
import { EtagClock, formatEtag, ifMatchSatisfied, rowVersionOf } from "./etag";

describe("ETags", () => {
  it("formats a row version like APIM does (quoted base64 of 8 bytes)", () => {
    // "AAAAAADmodU=" is the ETag of recordings/azure-cli__test_apim_named_value.yaml.
    expect(formatEtag(0xe6a1d5n)).toBe('"AAAAAADmodU="');
    expect(rowVersionOf('"AAAAAADmodU="')).toBe(0xe6a1d5n);
  });

  it("hands out a new, increasing ETag on every call, above the floor it was given", () => {
    const floor = BigInt(Date.now()) * 1000n + 10_000n;
    const clock = new EtagClock(floor);
    const first = clock.next();
    const second = clock.next();
    expect(first).not.toBe(second);
    expect(rowVersionOf(first)).toBe(floor + 1n);
    expect(rowVersionOf(second)).toBe(floor + 2n);
  });

  it("starts above the wall clock so ETags keep increasing across restarts", () => {
    const before = BigInt(Date.now()) * 1000n;
    expect(rowVersionOf(new EtagClock(0n).next())).toBeGreaterThan(before);
  });

  it("treats foreign strings as row version 0", () => {
    expect(rowVersionOf('"not-ours"')).toBe(0n);
  });
});

describe("If-Match evaluation", () => {
  const current = '"AAAAAADmodU="';

  it("matches the exact current ETag, with or without quotes or a weak prefix", () => {
    expect(ifMatchSatisfied('"AAAAAADmodU="', current)).toBe(true);
    expect(ifMatchSatisfied("AAAAAADmodU=", current)).toBe(true);
    expect(ifMatchSatisfied('W/"AAAAAADmodU="', current)).toBe(true);
  });

  it("matches any listed ETag and the wildcard", () => {
    expect(ifMatchSatisfied('"other", "AAAAAADmodU="', current)).toBe(true);
    expect(ifMatchSatisfied("*", current)).toBe(true);
  });

  it("rejects a stale ETag and anything when the entity does not exist", () => {
    expect(ifMatchSatisfied('"AAAAAADmoew="', current)).toBe(false);
    expect(ifMatchSatisfied("*", undefined)).toBe(false);
  });
});
