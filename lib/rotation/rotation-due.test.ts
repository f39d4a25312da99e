import { describe, expect, it } from "vitest";
import { rotationAge } from "./rotation-due";

const createdAt = new Date("2026-01-01T00:00:00Z");
const at = (iso: string) => new Date(iso);

describe("rotationAge", () => {
  it("counts whole days since creation and is never due without a policy", () => {
    expect(rotationAge({ createdAt, rotatedAt: null, rotationIntervalDays: null }, at("2026-03-01T12:00:00Z"))).toEqual(
      {
        ageDays: 59,
        dueAt: null,
        due: false,
      },
    );
  });

  it("is due once the interval has passed since the last rotation, not before", () => {
    const secret = { createdAt, rotatedAt: at("2026-02-01T00:00:00Z"), rotationIntervalDays: 30 };
    expect(rotationAge(secret, at("2026-03-02T23:59:59Z"))).toMatchObject({ ageDays: 29, due: false });
    expect(rotationAge(secret, at("2026-03-03T00:00:00Z"))).toEqual({
      ageDays: 30,
      dueAt: at("2026-03-03T00:00:00Z"),
      due: true,
    });
  });

  it("never reports a negative age when clocks disagree", () => {
    expect(
      rotationAge({ createdAt, rotatedAt: null, rotationIntervalDays: 1 }, at("2025-12-31T00:00:00Z")),
    ).toMatchObject({ ageDays: 0, due: false });
  });
});
