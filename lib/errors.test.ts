import { describe, expect, it, vi } from "vitest";
import { AppError, isAppError } from "./errors";

describe("AppError", () => {
  it("is recognised when another copy of the module made it (the scheduler's and the Next.js bundle's)", async () => {
    vi.resetModules();
    const copy = await import("./errors");
    expect(copy.AppError).not.toBe(AppError);

    const fromCopy = new copy.AppError("upstream", "ARM answered 503");
    expect(fromCopy instanceof AppError).toBe(true);
    expect(isAppError(fromCopy)).toBe(true);
    expect(new AppError("conflict", "changed") instanceof copy.AppError).toBe(true);
  });

  it("is not any other error, nor an object that only looks like one", () => {
    expect(new Error("x") instanceof AppError).toBe(false);
    expect({ name: "AppError", code: "conflict", message: "x", fields: [], details: {} } instanceof AppError).toBe(
      false,
    );
    expect(isAppError(null)).toBe(false);
    expect(isAppError("AppError")).toBe(false);
  });
});
