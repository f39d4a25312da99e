import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseStored, StoredDataError } from "./parse-stored";

const schema = z.object({
  steps: z.array(z.object({ seq: z.number().int(), kind: z.enum(["create", "delete"]) })),
  note: z.string().nullable(),
});
const at = { record: "plan 5f0c", field: "operations" };

function errorOf(run: () => unknown): StoredDataError {
  try {
    run();
  } catch (error) {
    if (error instanceof StoredDataError) return error;
    throw error;
  }
  throw new Error("expected a StoredDataError");
}

describe("parseStored", () => {
  it("returns the parsed value when the stored value has the shape", () => {
    const stored = { steps: [{ seq: 1, kind: "create" }], note: null };
    expect(parseStored(schema, stored, at)).toEqual(stored);
  });

  it("names the record, the field and the path inside it, with the reason", () => {
    const error = errorOf(() =>
      parseStored(schema, { steps: [{ seq: 1, kind: "create" }, { seq: 2 }], note: null }, at),
    );
    expect(error.record).toBe("plan 5f0c");
    expect(error.field).toBe("operations");
    expect(error.issues.map((issue) => issue.path)).toEqual(["operations.steps[1].kind"]);
    expect(error.message).toMatch(
      /^The database holds an invalid value in plan 5f0c, field operations: operations\.steps\[1\]\.kind /,
    );
  });

  it("names the field itself when the whole value is wrong (a JSON string, null, an array)", () => {
    for (const stored of ['{"steps":[]}', null, []]) {
      const error = errorOf(() => parseStored(schema, stored, at));
      expect(error.issues.map((issue) => issue.path)).toEqual(["operations"]);
    }
  });

  it("lists at most three problems and counts the rest", () => {
    const error = errorOf(() => parseStored(z.array(z.string()), [1, 2, 3, 4, 5], at));
    expect(error.issues).toHaveLength(5);
    expect(error.message).toMatch(/operations\[2\] [^;]*\(and 2 more\)\.$/);
    expect(error.message).not.toContain("operations[3]");
  });

  it("never puts a stored value into the message", () => {
    const error = errorOf(() => parseStored(z.object({ code: z.number() }), { code: "hunter2-secret" }, at));
    expect(error.message).not.toContain("hunter2");
  });
});
