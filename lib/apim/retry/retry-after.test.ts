import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after";

const now = Date.parse("2025-01-01T00:00:00Z");

function headers(values: Record<string, string>) {
  return (name: string) => values[name];
}

describe("parseRetryAfter", () => {
  it("reads Retry-After in seconds", () => {
    expect(parseRetryAfter(headers({ "retry-after": "7" }), now)).toBe(7000);
    expect(parseRetryAfter(headers({ "retry-after": " 0 " }), now)).toBe(0);
    expect(parseRetryAfter(headers({ "retry-after": "1.5" }), now)).toBe(1500);
  });

  it("reads Retry-After as an HTTP date relative to now, never negative", () => {
    expect(parseRetryAfter(headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(headers({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }), now)).toBe(0);
  });

  it("prefers the millisecond headers", () => {
    expect(parseRetryAfter(headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
    expect(parseRetryAfter(headers({ "x-ms-retry-after-ms": "40", "retry-after": "9" }), now)).toBe(40);
  });

  it("ignores values it cannot read", () => {
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "-1" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after": "soon" }), now)).toBeUndefined();
    expect(parseRetryAfter(headers({ "retry-after-ms": "abc", "retry-after": "2" }), now)).toBe(2000);
  });
});
