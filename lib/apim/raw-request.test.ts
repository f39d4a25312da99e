import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { ArmResponseError } from "./errors/arm-failure";
import { jsonBody } from "./raw-request";

function response(bodyAsText: string): PipelineResponse {
  return {
    request: createPipelineRequest({ url: "https://management.azure.com/x" }),
    status: 200,
    headers: createHttpHeaders({ "content-type": "application/json" }),
    bodyAsText,
  };
}

describe("jsonBody", () => {
  it("parses the text of the body", () => {
    expect(jsonBody(response('{"name":"chat"}'))).toEqual({ name: "chat" });
  });

  it("reports a body that is not JSON as an unusable answer", () => {
    expect(() => jsonBody(response("<html>"))).toThrow(ArmResponseError);
  });
});
