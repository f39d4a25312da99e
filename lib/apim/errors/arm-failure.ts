import { isRestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { armErrorOf, type ArmErrorBody } from "./arm-error-body";

/** A failed ARM request reduced to what the mapping needs; never the request or its body. */
export interface ArmFailure {
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** Transport error code (ECONNRESET, …) when no response arrived. */
  transportCode?: string;
  error?: ArmErrorBody;
  /** Set when ARM answered a success we cannot use (no ETag, no Location, no JSON). */
  unusable?: string;
}

/** Thrown by our raw requests (policy GET, backends, named-value writes), which check the status themselves. */
export class ArmResponseError extends Error {
  constructor(readonly failure: ArmFailure) {
    super(`ARM answered ${failure.status ?? "nothing"}`);
    this.name = "ArmResponseError";
  }
}

/** A success response that breaks the contract we rely on; reported as ARM's fault. */
export function unusableAnswer(status: number | null, problem: string): ArmResponseError {
  return new ArmResponseError({ status, unusable: problem });
}

/** The ETag a read or write must return: without it no later update could be conditional. */
export function requireEtag(etag: string | undefined, status: number | null): string {
  if (etag === undefined || etag === "") throw unusableAnswer(status, "it carried no ETag");
  return etag;
}

export function failureOfResponse(response: PipelineResponse): ArmFailure {
  return { status: response.status, error: armErrorOf(response.bodyAsText) };
}

/** The ARM failure behind an error thrown by the SDK or our raw requests, if it is one. */
export function failureOf(error: unknown): ArmFailure | undefined {
  if (error instanceof ArmResponseError) return error.failure;
  if (!isRestError(error)) return undefined;
  if (error.statusCode === undefined) return { status: null, transportCode: error.code };
  return { status: error.statusCode, error: armErrorOf(error.response?.bodyAsText) };
}

/** A read's answer, or null when ARM says 404: for a read, absence is an answer. */
export async function nullIfNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (failureOf(error)?.status === 404) return null;
    throw error;
  }
}
