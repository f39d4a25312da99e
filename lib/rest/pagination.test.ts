import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../errors";
import { decodeCursor, encodeCursor, pageQuerySchema, toPage } from "./pagination";

describe("cursor pagination", () => {
  it("round-trips a cursor", () => {
    const shape = z.object({ seq: z.string() });
    expect(decodeCursor(encodeCursor({ seq: "42" }), shape)).toEqual({ seq: "42" });
  });

  it("refuses a cursor it did not issue, naming the field", () => {
    const shape = z.object({ seq: z.string() });
    for (const bad of ["garbage!", encodeCursor({ other: 1 })]) {
      const error = (() => {
        try {
          decodeCursor(bad, shape);
        } catch (e) {
          return e as AppError;
        }
      })();
      expect(error?.code).toBe("bad_request");
      expect(error?.fields[0]?.path).toBe("query.cursor");
    }
  });

  it("returns a next cursor only when more rows exist", () => {
    const rows = [1, 2, 3].map((n) => ({ n }));
    const full = toPage(
      rows,
      2,
      (r) => r.n,
      (r) => ({ n: r.n }),
    );
    expect(full.items).toEqual([1, 2]);
    expect(decodeCursor(full.nextCursor!, z.object({ n: z.number() }))).toEqual({ n: 2 });
    expect(
      toPage(
        rows,
        3,
        (r) => r.n,
        (r) => ({ n: r.n }),
      ).nextCursor,
    ).toBeNull();
  });

  it("validates the limit", () => {
    expect(pageQuerySchema.parse({ limit: "10" }).limit).toBe(10);
    expect(pageQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ limit: "201" }).success).toBe(false);
  });
});
