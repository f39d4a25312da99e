import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { withoutValue } from "./without-value";

describe("scrubbing a secret value from an error", () => {
  it("replaces the value in the message, fields and nested details, keeping the rest", () => {
    const value = 's3cr3t-"quoted"';
    const error = new AppError("bad_request", `APIM rejected named value 'key': cannot compile ${value} here`, {
      fields: [{ path: "value", message: `${value} is not valid` }],
      details: {
        status: 400,
        armDetails: [{ code: "ValidationError", message: `near ${value}${value}` }],
        mayHaveLanded: false,
      },
    });

    const scrubbed = withoutValue(error, value) as AppError;

    expect(scrubbed).toBeInstanceOf(AppError);
    expect(scrubbed.code).toBe("bad_request");
    expect(scrubbed.message).toBe("APIM rejected named value 'key': cannot compile [secret value] here");
    expect(scrubbed.fields).toEqual([{ path: "value", message: "[secret value] is not valid" }]);
    expect(scrubbed.details).toEqual({
      status: 400,
      armDetails: [{ code: "ValidationError", message: "near [secret value][secret value]" }],
      mayHaveLanded: false,
    });
  });

  it("passes other errors through untouched", () => {
    const bug = new TypeError("not an AppError");
    expect(withoutValue(bug, "x")).toBe(bug);
  });
});
