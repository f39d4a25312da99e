import { describe, expect, it } from "vitest";
import { ArmError } from "./arm-error";
import { checkPutPrecondition, checkUpdatePrecondition, requireIfMatch } from "./preconditions";

const etag = '"AAAAAADmodU="';

function statusOf(run: () => unknown): number | "ok" {
  try {
    run();
    return "ok";
  } catch (error) {
    if (error instanceof ArmError) return error.status;
    throw error;
  }
}

describe("write preconditions", () => {
  it("lets a PUT without If-Match create or overwrite", () => {
    expect(statusOf(() => checkPutPrecondition(undefined, undefined))).toBe("ok");
    expect(statusOf(() => checkPutPrecondition(undefined, etag))).toBe("ok");
  });

  it("lets a PUT with * create or overwrite, and one with the current ETag overwrite", () => {
    expect(statusOf(() => checkPutPrecondition("*", undefined))).toBe("ok");
    expect(statusOf(() => checkPutPrecondition("*", etag))).toBe("ok");
    expect(statusOf(() => checkPutPrecondition(etag, etag))).toBe("ok");
  });

  it("fails a PUT with a stale ETag, or with an ETag for an entity that is gone, with 412", () => {
    expect(statusOf(() => checkPutPrecondition('"AAAAAADmoew="', etag))).toBe(412);
    expect(statusOf(() => checkPutPrecondition(etag, undefined))).toBe(412);
  });

  it("requires If-Match for PATCH and DELETE (400) and checks it (412)", () => {
    expect(statusOf(() => requireIfMatch(undefined))).toBe(400);
    expect(requireIfMatch("*")).toBe("*");
    expect(statusOf(() => checkUpdatePrecondition("*", etag))).toBe("ok");
    expect(statusOf(() => checkUpdatePrecondition('"AAAAAADmoew="', etag))).toBe(412);
  });

  it("answers a 412 with the recorded body", () => {
    try {
      checkUpdatePrecondition('"stale"', etag);
    } catch (error) {
      expect((error as ArmError).body()).toEqual({
        error: { code: "ValidationError", message: "Resource was modified since last retrieval.", details: null },
      });
      return;
    }
    throw new Error("expected a 412");
  });
});
