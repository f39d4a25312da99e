/**
 * One probe through the gateway: one attempt, bounded in time, never retried. What is kept is the
 * status, the latency and the gateway's request id; the body is read (a few KiB at most) only for
 * judging the answer.
 */
import type { GatewayAnswer } from "./judge-answer";

const PROBE_TIMEOUT_MS = 15_000;
const MAX_BODY = 4096;

export interface ProbeRequest {
  url: string;
  method: string;
  body: string;
  token: string | null;
  /** Further headers, e.g. the API's subscription key: sent, never kept. */
  headers?: Record<string, string>;
}

export type ProbeResponse =
  | { ok: true; answer: GatewayAnswer; latencyMs: number; requestId: string | null }
  | { ok: false; problem: string; latencyMs: number };

export async function sendProbe(request: ProbeRequest): Promise<ProbeResponse> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: {
        ...request.headers,
        "content-type": "application/json",
        ...(request.token === null ? {} : { authorization: `Bearer ${request.token}` }),
      },
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const text = await response.text();
    return {
      ok: true,
      latencyMs: latency(),
      requestId:
        response.headers.get("apim-request-id") ??
        response.headers.get("x-ms-request-id") ??
        response.headers.get("x-request-id"),
      answer: {
        status: response.status,
        body: text.slice(0, MAX_BODY),
        retryAfter: response.headers.get("retry-after"),
      },
    };
  } catch (error) {
    const name = (error as Error).name;
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      latencyMs: latency(),
      problem:
        name === "TimeoutError"
          ? `the gateway did not answer within ${PROBE_TIMEOUT_MS / 1000} s`
          : `the gateway could not be reached${cause ? ` (${cause})` : ""}`,
    };
  }
}
