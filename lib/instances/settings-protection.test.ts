import { describe, expect, it } from "vitest";
import { protectionLowered, splitByProtection, withChanges, type FourEyesSettings } from "./settings-protection";

const production: FourEyesSettings = {
  environment: "production",
  approvalsRequired: null,
  automationApprovers: false,
  approvalLifetimeHours: 24,
};
const lowered = (change: Partial<FourEyesSettings>, before = production) =>
  protectionLowered(before, withChanges(before, change));

describe("what lowers an instance's four-eyes protection", () => {
  it("is fewer approvals, automation approving, a longer lifetime, or leaving production", () => {
    expect(lowered({ approvalsRequired: 0 })).toEqual(["applies would need no approval"]);
    expect(lowered({ approvalsRequired: 1 }, { ...production, approvalsRequired: 2 })).toEqual([
      "approvals needed from 2 to 1",
    ]);
    expect(lowered({ automationApprovers: true })).toEqual(["automation's approvals would count"]);
    expect(lowered({ approvalLifetimeHours: 25 })).toEqual(["approvals would last 25 h instead of 24 h"]);
    expect(lowered({ environment: "test", approvalsRequired: 1 })).toEqual(["environment from production to test"]);
    expect(lowered({ environment: null })).toEqual([
      "applies would need no approval",
      "environment from production to not set",
    ]);
  });

  it("is nothing that keeps or raises it", () => {
    expect(lowered({ approvalsRequired: 2, automationApprovers: false, approvalLifetimeHours: 1 })).toEqual([]);
    expect(lowered({ approvalsRequired: 1 })).toEqual([]);
    expect(lowered({ environment: "production" }, { ...production, environment: "development" })).toEqual([]);
    expect(lowered({ automationApprovers: false }, { ...production, automationApprovers: true })).toEqual([]);
  });

  it("leaves settings not given as they are", () => {
    expect(withChanges(production, { approvalLifetimeHours: 8 })).toEqual({ ...production, approvalLifetimeHours: 8 });
    expect(withChanges(production, { environment: null })).toEqual({ ...production, environment: null });
  });
});

describe("a change split by what it does to protection", () => {
  const split = (change: Partial<FourEyesSettings>, before = production) =>
    splitByProtection(before, withChanges(before, change));

  it("applies the stricter part at once and leaves the lowering part to wait", () => {
    expect(split({ approvalsRequired: 2, automationApprovers: true, approvalLifetimeHours: 1 })).toEqual({
      stricter: { ...production, approvalsRequired: 2, approvalLifetimeHours: 1 },
      lowers: ["automation's approvals would count"],
    });
    // Leaving production keeps one approval when that is asked for with it: the number applies now.
    expect(split({ environment: "test", approvalsRequired: 1 })).toEqual({
      stricter: { ...production, approvalsRequired: 1 },
      lowers: ["environment from production to test"],
    });
  });

  it("applies a pure raise whole and holds a pure lowering whole", () => {
    expect(split({ approvalsRequired: 2, approvalLifetimeHours: 2 })).toEqual({
      stricter: { ...production, approvalsRequired: 2, approvalLifetimeHours: 2 },
      lowers: [],
    });
    expect(split({ approvalsRequired: 0, approvalLifetimeHours: 48 })).toEqual({
      stricter: production,
      lowers: ["applies would need no approval", "approvals would last 48 h instead of 24 h"],
    });
  });
});
