import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { unusableAnswer } from "./errors/arm-failure";

export const armRequestGuardPolicyName = "portcullisArmRequestGuardPolicy";

/**
 * Two promises the whole pipeline keeps, whatever code path built the request:
 * - the bearer token only goes to the instance's ARM endpoint. `nextLink` and LRO `Location`
 *   URLs come from the server and are followed verbatim, so they are checked here;
 * - no write goes out with `If-Match: *` (updates carry the ETag the caller read).
 */
export function armRequestGuardPolicy(armEndpoint: string): PipelinePolicy {
  const origin = new URL(armEndpoint).origin;
  return {
    name: armRequestGuardPolicyName,
    sendRequest(request, next) {
      const target = new URL(request.url).origin;
      if (target !== origin)
        throw unusableAnswer(
          null,
          `it pointed to ${target}, outside the instance's ARM endpoint ${origin}; nothing was sent there`,
        );
      if (request.headers.get("if-match")?.trim() === "*") {
        throw new Error("Refusing to send If-Match: * (an update must carry the ETag that was read)");
      }
      return next(request);
    },
  };
}
