import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { problemResponse, toProblem } from "./problem";

describe("problem details", () => {
  it("keeps our status when an error carries the upstream service's status in its details", () => {
    const error = new AppError("unavailable", "APIM did not answer", {
      details: { status: null, armCode: "InternalError", attempts: 5 },
    });

    const problem = toProblem(error, "req-1");

    expect(problem).toMatchObject({
      status: 503,
      code: "unavailable",
      armCode: "InternalError",
      attempts: 5,
      instance: "urn:request:req-1",
    });
    expect(problemResponse(problem).status).toBe(503);
  });

  it("names bad fields and hides internal errors", () => {
    expect(
      toProblem(new AppError("bad_request", "bad", { fields: [{ path: "name", message: "must not be empty" }] }), "r"),
    ).toMatchObject({
      status: 400,
      errors: [{ path: "name", message: "must not be empty" }],
    });
    const internal = toProblem(new Error("database password is hunter2"), "r2");
    expect(internal).toMatchObject({ status: 500, code: "internal" });
    expect(JSON.stringify(internal)).not.toContain("hunter2");
  });
});
