import { expect } from "vitest";
import { AppError } from "../../../lib/errors";
import type { ArmErrorDetails } from "../../../lib/apim/errors/map-arm-error";

/** The AppError a call failed with (fails the test if it succeeded or threw something else). */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError & { details: ArmErrorDetails }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError & { details: ArmErrorDetails };
}
