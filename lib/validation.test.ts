import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "./errors";
import { formatPath, parseInput } from "./validation";

describe("input validation errors", () => {
  const schema = z.object({
    items: z.array(z.object({ id: z.string().uuid("must be a GUID") })),
    name: z.string().min(1, "must not be empty"),
  });

  it("names every bad field by its JSON path with the reason", () => {
    const error = (() => {
      try {
        parseInput(
          schema,
          { items: [{ id: "00000000-0000-0000-0000-000000000000" }, { id: "nope" }], name: "" },
          "request body",
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("bad_request");
    expect((error as AppError).fields).toEqual([
      { path: "items[1].id", message: "must be a GUID" },
      { path: "name", message: "must not be empty" },
    ]);
    expect((error as AppError).message).toBe(
      "The request body is not valid: items[1].id must be a GUID; name must not be empty.",
    );
  });

  it("returns the parsed value when valid", () => {
    expect(parseInput(schema, { items: [], name: "x" })).toEqual({ items: [], name: "x" });
  });

  it("formats nested paths and prefixes", () => {
    expect(formatPath(["profile", "callerAuth", "audiences", 0])).toBe("profile.callerAuth.audiences[0]");
    expect(formatPath([])).toBe("(input)");
  });
});
