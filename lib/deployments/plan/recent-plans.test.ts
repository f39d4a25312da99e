import { describe, expect, it } from "vitest";
import type { PlanToStart } from "./read-plan-to-start";
import { rememberPlan, takeRecentPlan, type RecentPlan } from "./recent-plans";

const recentPlan = (id: string): RecentPlan => ({ plan: { id } as PlanToStart, rowVersion: "1", hash: `hash-${id}` });

describe("the plans this process just stored", () => {
  it("gives a plan once: taking it forgets it", () => {
    const plan = recentPlan("taken-once");
    rememberPlan(plan);
    expect(takeRecentPlan("taken-once")).toBe(plan);
    expect(takeRecentPlan("taken-once")).toBeUndefined();
    expect(takeRecentPlan("never-stored")).toBeUndefined();
  });

  it("keeps the 64 latest: an older plan is forgotten (its start reads it)", () => {
    const ids = Array.from({ length: 65 }, (_, index) => `kept-${index}`);
    for (const id of ids) rememberPlan(recentPlan(id));
    expect(takeRecentPlan(ids[0]!)).toBeUndefined();
    expect(takeRecentPlan(ids[1]!)?.hash).toBe(`hash-${ids[1]}`);
    expect(takeRecentPlan(ids[64]!)?.hash).toBe(`hash-${ids[64]}`);
  });
});
