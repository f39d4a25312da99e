import { describe, expect, it } from "vitest";
import { etagMatches, profileEtag } from "./profile-etag";

describe("profile ETags", () => {
  it("is a quoted strong ETag per version", () => {
    expect(profileEtag(3)).toBe('"v3"');
  });

  it("matches the current version only", () => {
    expect(etagMatches('"v3"', 3)).toBe(true);
    expect(etagMatches('"v2"', 3)).toBe(false);
    expect(etagMatches("v3", 3)).toBe(true);
    expect(etagMatches('"v2", "v3"', 3)).toBe(true);
  });

  it("never treats * as a match: a client must say which version it edited", () => {
    expect(etagMatches("*", 3)).toBe(false);
  });
});
