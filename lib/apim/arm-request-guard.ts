import { unusableAnswer } from "./errors/arm-failure";
import type { RawArmRequest } from "./raw-request";

/**
 * Two promises every request keeps, whatever operation built it (checked by the transport
 * before anything is sent, retries included):
 * - the bearer token only goes to the instance's ARM endpoint (`origin`). `nextLink` and LRO
 *   `Location` URLs come from the server and are followed verbatim, so they are checked here;
 * - no write goes out with `If-Match: *` (updates carry the ETag the caller read).
 */
export function checkArmRequest(origin: string, request: RawArmRequest): void {
  // Most URLs are built from the instance's own endpoint: a URL that starts with the origin and
  // a "/" has that origin (the host ends at that "/"), so only the others are parsed.
  const target = request.url.startsWith(`${origin}/`) ? origin : new URL(request.url).origin;
  if (target !== origin)
    throw unusableAnswer(
      null,
      `it pointed to ${target}, outside the instance's ARM endpoint ${origin}; nothing was sent there`,
    );
  if (request.ifMatch?.trim() === "*") {
    throw new Error("Refusing to send If-Match: * (an update must carry the ETag that was read)");
  }
}
