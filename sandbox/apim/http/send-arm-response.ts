import type { ServerResponse } from "node:http";
import type { ArmResponse } from "../resources/arm-exchange";

export interface RequestIds {
  requestId: string;
  correlationId: string;
}

/** An answer with its body serialised as APIM sends it: pretty-printed with CRLF. */
export interface SerialisedAnswer {
  answer: ArmResponse;
  json: Buffer | undefined;
}

export function serialiseArmAnswer(answer: ArmResponse): SerialisedAnswer {
  const json =
    answer.body === undefined
      ? undefined
      : Buffer.from(JSON.stringify(answer.body, null, 2).replace(/\n/g, "\r\n"), "utf8");
  return { answer, json };
}

/**
 * Writes a response with the headers ARM puts on every answer (see the recordings):
 * no-cache, request/correlation/routing ids and the remaining rate-limit budget. A body-less
 * answer carries Content-Length 0.
 */
export function sendArmResponse(
  response: ServerResponse,
  { answer, json }: SerialisedAnswer,
  ids: RequestIds,
  rateLimit: [string, string],
  isHead: boolean,
): void {
  const headers: Record<string, string> = {
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": ids.requestId,
    "x-ms-correlation-request-id": ids.correlationId,
    "x-ms-routing-request-id": `WESTEUROPE:${new Date().toISOString().replace(/[-:]|\.\d+/g, "")}:${ids.requestId}`,
    [rateLimit[0]]: rateLimit[1],
    ...(answer.etag === undefined ? {} : { ETag: answer.etag }),
    ...answer.headers,
  };
  if (json === undefined) {
    response.writeHead(answer.status, { ...headers, "Content-Length": "0" }).end();
    return;
  }
  response.writeHead(answer.status, {
    ...headers,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(json.length),
  });
  response.end(isHead ? undefined : json);
}
