import { describe, expect, it } from "vitest";
import { QuotaCounters } from "./quota-counters";
import { RateLimitCounters } from "./rate-limit-counters";

function clock(start: number) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("rate-limit counters (sliding window)", () => {
  it("allows `calls` per window, then refuses until the oldest call leaves it", () => {
    const time = clock(1_000_000);
    const counters = new RateLimitCounters(time.now);
    expect(counters.take("k", 2, 10)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    time.advance(4000);
    expect(counters.take("k", 2, 10)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect(counters.take("k", 2, 10)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 6 });
    time.advance(6000);
    // The first call is 10 s old: out of the window, one call is free again.
    expect(counters.take("k", 2, 10)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("keeps keys apart, counts increment-count at once, and peeks without counting", () => {
    const counters = new RateLimitCounters(clock(0).now);
    expect(counters.take("a", 5, 60, 3)).toMatchObject({ allowed: true, remaining: 2 });
    expect(counters.take("a", 5, 60, 3)).toMatchObject({ allowed: false, remaining: 2 });
    expect(counters.peek("a", 5, 60)).toBe(2);
    expect(counters.take("b", 5, 60)).toMatchObject({ allowed: true, remaining: 4 });
    counters.clear();
    expect(counters.peek("a", 5, 60)).toBe(5);
  });
});

describe("quota counters (fixed periods from first-period-start)", () => {
  it("counts within the period and starts over in the next one", () => {
    const start = Date.UTC(2014, 0, 1);
    const time = clock(start + 3_600_000 * 5 + 1000); // 1 s into the sixth hour
    const counters = new QuotaCounters(time.now);
    expect(counters.take("s", 2, 3600)).toEqual({ allowed: true, secondsToRenewal: 3599 });
    expect(counters.take("s", 2, 3600).allowed).toBe(true);
    expect(counters.take("s", 2, 3600)).toEqual({ allowed: false, secondsToRenewal: 3599 });
    time.advance(3599_000);
    expect(counters.take("s", 2, 3600)).toEqual({ allowed: true, secondsToRenewal: 3600 });
  });

  it("measures periods from a given first-period-start", () => {
    const time = clock(Date.UTC(2026, 0, 1, 0, 0, 30));
    const counters = new QuotaCounters(time.now);
    expect(counters.take("s", 1, 60, Date.UTC(2026, 0, 1, 0, 0, 15)).secondsToRenewal).toBe(45);
  });
});
