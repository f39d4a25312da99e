import { describe, expect, it } from "vitest";
import { fingerprintWithKey } from "./fingerprint";

const key = "k".repeat(32);

describe("secret fingerprints", () => {
  it("are hmac-sha256: and 32 hex digits of HMAC-SHA256(key, value)", () => {
    // HMAC-SHA256("kkk…k" (32), "sk-test") computed independently with openssl.
    expect(fingerprintWithKey(key, "sk-test")).toBe("hmac-sha256:bab788f0b527ff32d34aed44ed62d787");
  });

  it("are the same for the same value and key, and differ when either differs", () => {
    expect(fingerprintWithKey(key, "value-1")).toBe(fingerprintWithKey(key, "value-1"));
    expect(fingerprintWithKey(key, "value-1")).not.toBe(fingerprintWithKey(key, "value-2"));
    expect(fingerprintWithKey(key, "value-1")).not.toBe(fingerprintWithKey("j".repeat(32), "value-1"));
  });

  it("hash the value as UTF-8", () => {
    // openssl over the bytes 63 6c c3 a9.
    expect(fingerprintWithKey(key, "clé")).toBe("hmac-sha256:b913ba3150623bcb896493d2f6a455d9");
  });
});
