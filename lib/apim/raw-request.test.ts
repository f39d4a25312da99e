import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { ArmResponseError } from "./errors/arm-failure";
import { jsonBody } from "./raw-request";

function response(bodyAsText: string, parsedBody?: unknown): PipelineResponse {
  const answer: PipelineResponse & { parsedBody?: unknown } = {
    request: createPipelineRequest({ url: "https://management.azure.com/x" }),
    status: 200,
    headers: createHttpHeaders({ "content-type": "application/json" }),
    bodyAsText,
  };
  if (parsedBody !== undefined) answer.parsedBody = parsedBody;
  return answer;
}

describe("jsonBody", () => {
  it("takes the body the SDK's deserialisation policy parsed instead of parsing the text again", () => {
    const parsed = { properties: { value: "<policies />" } };
    expect(jsonBody(response('{"properties":{"value":"<policies />"}}', parsed))).toBe(parsed);
  });

  it("parses the text of a body nothing parsed", () => {
    expect(jsonBody(response('{"name":"chat"}'))).toEqual({ name: "chat" });
  });

  it("reports a body that is not JSON as an unusable answer", () => {
    expect(() => jsonBody(response("<html>"))).toThrow(ArmResponseError);
  });
});
