import { describe, expect, it } from "vitest";
import { protectionLowered, withChanges, type FourEyesSettings } from "./settings-protection";

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
