import { describe, expect, it } from "vitest";
import { faultConfigSchema, type FaultConfig } from "./fault-rules";
import { FaultScheduler, type FaultPlan } from "./fault-scheduler";

function scheduler(config: unknown): FaultScheduler {
  const faults = new FaultScheduler();
  faults.configure(faultConfigSchema.parse(config) as FaultConfig);
  return faults;
}

function run(faults: FaultScheduler, count: number, method = "PUT", path = "/x/namedValues/a"): FaultPlan[] {
  return Array.from({ length: count }, () => faults.decide(method, path));
}

describe("fault rules", () => {
  it("fill in defaults and reject unknown kinds, bad rates and bad regular expressions", () => {
    expect(faultConfigSchema.parse({ rules: [{ kind: "throttle" }] }).rules[0]).toEqual({
      kind: "throttle",
      retryAfterSeconds: 1,
      rate: 1,
    });
    expect(faultConfigSchema.safeParse({ rules: [{ kind: "explode" }] }).success).toBe(false);
    expect(faultConfigSchema.safeParse({ rules: [{ kind: "drop", rate: 2 }] }).success).toBe(false);
    expect(faultConfigSchema.safeParse({ rules: [{ kind: "drop", match: { path: "(" } }] }).success).toBe(false);
  });
});

describe("fault scheduler", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const config = { seed: 42, rules: [{ kind: "serverError", rate: 0.3 }] };
    const a = run(scheduler(config), 200).map((plan) => plan.terminal !== undefined);
    const b = run(scheduler(config), 200).map((plan) => plan.terminal !== undefined);
    const c = run(scheduler({ ...config, seed: 43 }), 200).map((plan) => plan.terminal !== undefined);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("fires at roughly the configured rate", () => {
    const fired = run(scheduler({ seed: 1, rules: [{ kind: "throttle", rate: 0.25 }] }), 4000).filter(
      (plan) => plan.terminal,
    ).length;
    expect(fired).toBeGreaterThan(850);
    expect(fired).toBeLessThan(1150);
  });

  it("stops after `limit` firings and reports matched and fired counts", () => {
    const faults = scheduler({ rules: [{ kind: "drop", limit: 3 }] });
    expect(run(faults, 10).filter((plan) => plan.terminal?.kind === "drop")).toHaveLength(3);
    expect(faults.snapshot().rules[0]).toMatchObject({ kind: "drop", matched: 3, fired: 3 });
    expect(faults.snapshot().fired.drop).toBe(3);
  });

  it("applies only to the methods and paths a rule matches", () => {
    const faults = scheduler({ rules: [{ kind: "throttle", match: { methods: ["PUT"], path: "/policies/policy$" } }] });
    expect(faults.decide("PUT", "/s/apis/a/policies/policy").terminal).toEqual({
      kind: "throttle",
      retryAfterSeconds: 1,
    });
    expect(faults.decide("GET", "/s/apis/a/policies/policy").terminal).toBeUndefined();
    expect(faults.decide("PUT", "/s/namedValues/a").terminal).toBeUndefined();
  });

  it("applies only to the query strings a rule matches (a later page of a list)", () => {
    const faults = scheduler({ rules: [{ kind: "forbidden", match: { path: "/apis$", query: "skip=200" } }] });
    expect(faults.decide("GET", "/s/apis", "api-version=2024-05-01").terminal).toBeUndefined();
    expect(faults.decide("GET", "/s/apis", "api-version=2024-05-01&%24skip=100").terminal).toBeUndefined();
    expect(faults.decide("GET", "/s/apis").terminal).toBeUndefined();
    expect(faults.decide("GET", "/s/apis", "api-version=2024-05-01&%24skip=200").terminal).toEqual({
      kind: "forbidden",
    });
  });

  it("adds latencies up, with seeded jitter inside the bounds", () => {
    const faults = scheduler({
      seed: 7,
      rules: [
        { kind: "latency", ms: 50 },
        { kind: "latency", ms: 100, jitterMs: 20 },
      ],
    });
    for (const plan of run(faults, 100)) {
      expect(plan.latencyMs).toBeGreaterThanOrEqual(130);
      expect(plan.latencyMs).toBeLessThanOrEqual(170);
    }
  });

  it("applies only the first terminal fault and then skips dropped responses and concurrent writers", () => {
    const faults = scheduler({
      rules: [
        { kind: "concurrentWrite" },
        { kind: "drop", phase: "afterHandling" },
        { kind: "serverError", status: 503, retryAfterSeconds: 2 },
        { kind: "throttle" },
      ],
    });
    const plan = faults.decide("PATCH", "/x");
    expect(plan.terminal).toEqual({ kind: "serverError", status: 503, retryAfterSeconds: 2 });
    expect(plan.dropResponse).toBe(false);
    expect(plan.concurrentWriteRule).toBeUndefined();
    expect(plan.fired).toEqual(["serverError"]);
  });

  it("arms a concurrent writer only for writes and counts it only when confirmed", () => {
    const faults = scheduler({ rules: [{ kind: "concurrentWrite", limit: 1 }] });
    expect(faults.decide("GET", "/x").concurrentWriteRule).toBeUndefined();
    const unconfirmed = faults.decide("PUT", "/x");
    expect(unconfirmed.concurrentWriteRule).toBe(0);
    expect(faults.snapshot().fired.concurrentWrite).toBe(0);

    const confirmed = faults.decide("DELETE", "/x");
    faults.confirmConcurrentWrite(confirmed);
    expect(confirmed.fired).toEqual(["concurrentWrite"]);
    expect(faults.snapshot().fired.concurrentWrite).toBe(1);
    expect(faults.decide("DELETE", "/x").concurrentWriteRule).toBeUndefined();
  });

  it("marks a dropped response after handling separately from a dropped request", () => {
    const faults = scheduler({ rules: [{ kind: "drop", phase: "afterHandling" }] });
    const plan = faults.decide("GET", "/x");
    expect(plan.terminal).toBeUndefined();
    expect(plan).toMatchObject({ dropResponse: true, fired: ["drop"] });
  });

  it("forgets all rules when cleared", () => {
    const faults = scheduler({ seed: 3, rules: [{ kind: "throttle" }] });
    faults.clear();
    expect(faults.decide("PUT", "/x").terminal).toBeUndefined();
    expect(faults.snapshot()).toEqual({
      rules: [],
      fired: { latency: 0, throttle: 0, serverError: 0, forbidden: 0, drop: 0, concurrentWrite: 0 },
    });
  });
});
