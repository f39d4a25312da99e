import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkHostileProfile, hostileProfileCase } from "./__fixtures__/hostile-values";

describe("hostile profile values", () => {
  it("are refused naming the field, or rendered safely and read back exactly (10,000 values)", () => {
    let accepted = 0;
    fc.assert(
      fc.property(hostileProfileCase, (testCase) => {
        if (checkHostileProfile(testCase)) accepted++;
      }),
      { numRuns: 10_000 },
    );
    // Both branches must really run, or the property proves nothing about one of them.
    expect(accepted).toBeGreaterThan(500);
    expect(accepted).toBeLessThan(10_000);
  });

  it("fails when a refusal names another field than the one given the value", () => {
    // The check itself must be able to fail: feed it a field whose refusal names another path.
    expect(() =>
      checkHostileProfile([
        {
          path: "callerAuth.tenantId",
          profile: () => ({ backendAuth: { mode: "none" }, callerAuth: { mode: "none", x: 1 } }) as never,
        },
        "x",
      ]),
    ).toThrow();
  });
});
