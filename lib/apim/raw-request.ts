import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { ArmResponseError, failureOfResponse, unusableAnswer } from "./errors/arm-failure";

/** One ARM request as an operation describes it; the transport (arm-transport.ts) sends it. */
export interface RawArmRequest {
  method: "GET" | "HEAD" | "PUT" | "DELETE" | "POST";
  url: string;
  ifMatch?: string;
  body?: unknown;
}

/** The response if its status is a success, else an ArmResponseError carrying ARM's error. */
export function expectSuccess(response: PipelineResponse): PipelineResponse {
  if (response.status >= 200 && response.status < 300) return response;
  throw new ArmResponseError(failureOfResponse(response));
}

/** The JSON body of a success; a missing or malformed one is ARM's fault, reported as such. */
export function jsonBody(response: PipelineResponse): unknown {
  try {
    return JSON.parse(response.bodyAsText ?? "");
  } catch {
    throw unusableAnswer(response.status, "its body was not valid JSON");
  }
}
