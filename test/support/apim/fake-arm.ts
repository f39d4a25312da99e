import {
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { createApimClient, type ApimClientOptions } from "../../../lib/apim/apim-client";
import type { ApimInstance } from "../../../lib/apim/apim-instance";

/** A request as the fake ARM received it. */
export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}

export type FakeReply =
  { status: number; headers?: Record<string, string>; body?: unknown } | { transportError: string };

export const testInstance: ApimInstance = {
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroup: "rg-test",
  serviceName: "apim-test",
  armEndpoint: "https://arm.test",
};

export const servicePath =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-test/providers/Microsoft.ApiManagement/service/apim-test";

export const staticCredential: TokenCredential = {
  getToken: async () => ({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/**
 * An in-memory ARM for unit tests: every request the client sends is recorded and answered
 * by `reply`. It sits where the HTTPS client would, below every pipeline policy.
 */
export function fakeArm(reply: (request: SentRequest, index: number) => FakeReply) {
  const requests: SentRequest[] = [];
  const httpClient: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const sent: SentRequest = {
        method: request.method,
        url: new URL(request.url),
        headers: request.headers.toJSON(),
        body: typeof request.body === "string" ? request.body : undefined,
      };
      requests.push(sent);
      const answer = reply(sent, requests.length - 1);
      if ("transportError" in answer)
        throw new RestError(`fake ${answer.transportError}`, { code: answer.transportError, request });
      const body =
        answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
      const headers = createHttpHeaders({ "x-ms-request-id": `req-${requests.length}`, ...answer.headers });
      if (answer.body !== undefined && !headers.has("content-type"))
        headers.set("content-type", "application/json; charset=utf-8");
      return { status: answer.status, headers, request, bodyAsText: request.method === "HEAD" ? undefined : body };
    },
  };
  const client = ({
    credential = staticCredential,
    ...options
  }: ApimClientOptions & { credential?: TokenCredential } = {}) =>
    createApimClient(testInstance, credential, {
      httpClient,
      random: () => 0,
      pollIntervalMs: 1,
      ...options,
      retry: { baseDelayMs: 2, maxDelayMs: 8, maxRetryWaitMs: 1_000, ...options.retry },
    });
  return { requests, client, httpClient };
}

/** An ARM error body as APIM sends it. */
export function armError(
  code: string,
  message: string,
  details: Array<{ code?: string; target?: string; message?: string }> | null = null,
) {
  return { error: { code, message, details } };
}
