import type { ApiManagementClient } from "@azure/arm-apimanagement";
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { ArmResponseError, failureOfResponse, unusableAnswer } from "./errors/arm-failure";

export interface RawArmRequest {
  method: "GET" | "HEAD" | "PUT" | "DELETE" | "POST";
  url: string;
  ifMatch?: string;
  body?: unknown;
}

/**
 * An ARM request the SDK gets wrong (policy GET, backend managed-identity credentials, our own
 * long-running polling), sent through the SDK client's pipeline: same token, correlation id,
 * guard and retry budget as every SDK operation.
 */
export function sendRawArmRequest(sdk: ApiManagementClient, raw: RawArmRequest): Promise<PipelineResponse> {
  const headers = createHttpHeaders({ accept: "application/json" });
  if (raw.body !== undefined) headers.set("content-type", "application/json; charset=utf-8");
  if (raw.ifMatch !== undefined) headers.set("if-match", raw.ifMatch);
  const request = createPipelineRequest({
    url: raw.url,
    method: raw.method,
    headers,
    body: raw.body === undefined ? undefined : JSON.stringify(raw.body),
  });
  return sdk.sendRequest(request);
}

/** The response if its status is a success, else an ArmResponseError carrying ARM's error. */
export function expectSuccess(response: PipelineResponse): PipelineResponse {
  if (response.status >= 200 && response.status < 300) return response;
  throw new ArmResponseError(failureOfResponse(response));
}

/** The JSON body of a success; a missing or malformed one is ARM's fault, reported as such. */
export function jsonBody(response: PipelineResponse): unknown {
  // The SDK's deserialisation policy has already parsed a body ARM labelled JSON: not twice.
  const parsed = (response as PipelineResponse & { parsedBody?: unknown }).parsedBody;
  if (parsed !== undefined) return parsed;
  try {
    return JSON.parse(response.bodyAsText ?? "");
  } catch {
    throw unusableAnswer(response.status, "its body was not valid JSON");
  }
}
