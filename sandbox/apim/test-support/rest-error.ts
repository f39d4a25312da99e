import type { RestError } from "@azure/core-rest-pipeline";

/** The RestError an SDK call fails with; fails the test if it succeeds. */
export async function restErrorOf(run: () => Promise<unknown>): Promise<RestError> {
  try {
    await run();
  } catch (error) {
    return error as RestError;
  }
  throw new Error("expected the call to fail");
}

/** The ARM error body the failed call received. */
export function errorBody(error: RestError): { error: { code: string; message: string; details: unknown } } {
  return JSON.parse(error.response?.bodyAsText ?? "{}") as {
    error: { code: string; message: string; details: unknown };
  };
}
