import { describe, expect, it } from "vitest";
import { ArmError } from "./arm-error";
import {
  apiIdRule,
  backendIdRule,
  checkIdentifier,
  nameViolation,
  namedValueDisplayNameRule,
  namedValueIdRule,
} from "./names";

describe("naming rules", () => {
  it("accepts the identifiers seen in recordings and examples", () => {
    for (const id of ["az-nv000004", "testprop2", "5600b57e7e8880006a040001", "echo-api", "api;rev=2", "My Value.1"]) {
      expect(nameViolation(id, namedValueIdRule)).toBeUndefined();
      expect(nameViolation(id, apiIdRule)).toBeUndefined();
    }
    expect(nameViolation("sfbackend1", backendIdRule)).toBeUndefined();
  });

  it("rejects the characters APIM forbids in identifiers", () => {
    for (const bad of ["a*b", "a#b", "a&b", "a+b", "a:b", "a<b", "a>b", "a?b"]) {
      expect(nameViolation(bad, namedValueIdRule)).toContain("must not contain");
    }
  });

  it("enforces lengths: 256 for named values and APIs, 80 for backends", () => {
    expect(nameViolation("x".repeat(256), namedValueIdRule)).toBeUndefined();
    expect(nameViolation("x".repeat(257), namedValueIdRule)).toContain("between 1 and 256");
    expect(nameViolation("x".repeat(257), apiIdRule)).toContain("between 1 and 256");
    expect(nameViolation("x".repeat(80), backendIdRule)).toBeUndefined();
    expect(nameViolation("x".repeat(81), backendIdRule)).toContain("between 1 and 80");
    expect(nameViolation("", backendIdRule)).toContain("between 1 and 80");
  });

  it("allows only letters, digits, period, dash and underscore in a named value display name", () => {
    expect(nameViolation("nv-name000003", namedValueDisplayNameRule)).toBeUndefined();
    expect(nameViolation("prop_3.name", namedValueDisplayNameRule)).toBeUndefined();
    expect(nameViolation("has space", namedValueDisplayNameRule)).toContain("only letters, digits");
    expect(nameViolation("{{x}}", namedValueDisplayNameRule)).toContain("only letters, digits");
  });

  it("answers a bad identifier with an ARM-shaped 400 naming the field", () => {
    try {
      checkIdentifier("bad:id", backendIdRule);
    } catch (error) {
      expect(error).toBeInstanceOf(ArmError);
      const body = (error as ArmError).body();
      expect((error as ArmError).status).toBe(400);
      expect(body.error.code).toBe("ValidationError");
      expect(body.error.details).toEqual([
        { code: "ValidationError", target: "name", message: expect.stringContaining("bad:id") },
      ]);
      return;
    }
    throw new Error("expected a 400");
  });
});
