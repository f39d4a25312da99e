import { setTimeout as sleep } from "node:timers/promises";
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import type { ArmCallState } from "../call/arm-call";
import { unusableAnswer } from "../errors/arm-failure";
import type { ArmTransport } from "../arm-transport";
import { parseRetryAfter } from "../retry/retry-after";

/**
 * Follows an APIM long-running write to its end: 202 + `Location` (opaque, e.g.
 * `…?api-version=…&asyncId=…&asyncCode=201`), then GET that URL until it answers anything but
 * 202 — the operation's final response (201/200 with the entity and its ETag, or an error).
 *
 * Our own loop rather than the SDK's `begin*` poller, because that poller polls twice
 * back-to-back right after the 202 (once in `begin*`, once more in `pollUntilDone`) ignoring
 * the 202's Retry-After, and re-sends the write's If-Match on every poll GET. Here each wait
 * is the server's Retry-After when given, else `pollIntervalMs`; the call's deadline bounds
 * the whole loop, and each poll goes through the same retry policy as any GET.
 */
export async function completeLongRunning(
  transport: ArmTransport,
  initial: PipelineResponse,
  call: ArmCallState,
  pollIntervalMs: number,
): Promise<PipelineResponse> {
  let response = initial;
  let location: string | undefined;
  const doubtBefore = call.mayHaveLanded;
  while (response.status === 202) {
    // Accepted: APIM carries the write out whether or not we keep watching.
    call.mayHaveLanded = true;
    const next = response.headers.get("location");
    if (next !== undefined) location = new URL(next, response.request.url).href;
    if (location === undefined) {
      throw unusableAnswer(202, "it accepted the operation without a Location to poll");
    }
    const waitMs = parseRetryAfter((name) => response.headers.get(name)) ?? pollIntervalMs;
    await sleep(waitMs, undefined, { signal: call.signal });
    response = await transport.send(call, { method: "GET", url: location });
  }
  // The final answer settles the accepted operation; only earlier lost attempts leave doubt.
  call.mayHaveLanded = doubtBefore;
  return response;
}
