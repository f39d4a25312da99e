import { describe, expect, it } from "vitest";
import { RateLimitCounters } from "./rate-limit-headers";

describe("rate-limit headers", () => {
  it("reports reads, writes and deletes under their own header", () => {
    const counters = new RateLimitCounters(() => 0);
    expect(counters.take("GET")).toEqual(["x-ms-ratelimit-remaining-subscription-reads", "249"]);
    expect(counters.take("HEAD")).toEqual(["x-ms-ratelimit-remaining-subscription-reads", "248"]);
    expect(counters.take("PUT")).toEqual(["x-ms-ratelimit-remaining-subscription-writes", "199"]);
    expect(counters.take("POST")).toEqual(["x-ms-ratelimit-remaining-subscription-writes", "198"]);
    expect(counters.take("DELETE")).toEqual(["x-ms-ratelimit-remaining-subscription-deletes", "199"]);
  });

  it("refills over time up to the bucket size and never goes below zero", () => {
    let now = 0;
    const counters = new RateLimitCounters(() => now);
    for (let i = 0; i < 300; i++) counters.take("PATCH");
    expect(counters.take("PATCH")[1]).toBe("0");
    now = 1000; // one second refills 10 write tokens
    expect(counters.take("PATCH")[1]).toBe("9");
    now = 1_000_000;
    expect(counters.take("PATCH")[1]).toBe("199");
  });
});
