import { request } from "node:https";
import { isIP } from "node:net";
import { hostOf, isSandboxReceiver, publicOnlyLookup } from "./webhook-url";
import { privateAddressReason } from "./private-address";

/** How long one delivery may take, connection to last byte of the answer. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export type PostOutcome = { ok: true; status: number } | { ok: false; status: number | null; error: string };

/**
 * POSTs one delivery. Redirects are never followed (a 3xx is a failure: a receiver that moved
 * is re-registered by an admin, and a redirect could point anywhere, private hosts included).
 * The connection goes only to a public address checked at this moment (webhook-url.ts); the
 * answer's body is read and dropped, never stored (it is the receiver's, and may say anything).
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>): Promise<PostOutcome> {
  const target = new URL(url);
  const sandbox = isSandboxReceiver(target);
  if (!sandbox) {
    if (target.protocol !== "https:") return { ok: false, status: null, error: "not an https:// URL: not sent" };
    const host = hostOf(target);
    const reason = isIP(host) === 0 ? null : privateAddressReason(host);
    if (reason !== null) return { ok: false, status: null, error: `${host} ${reason}: not sent` };
  }
  return new Promise<PostOutcome>((resolve) => {
    const outgoing = request(
      target,
      {
        method: "POST",
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body).toString(),
          "user-agent": "Portcullis-Webhooks/1",
        },
        ...(sandbox ? {} : { lookup: publicOnlyLookup }),
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
        agent: false,
      },
      (response) => {
        response.resume();
        response.on("error", () => undefined);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ ok: true, status });
        else if (status >= 300 && status < 400)
          resolve({ ok: false, status, error: `answered ${status} (a redirect, not followed)` });
        else resolve({ ok: false, status, error: `answered ${status}` });
      },
    );
    outgoing.on("error", (error: NodeJS.ErrnoException) => {
      const timedOut = error.name === "AbortError" || error.name === "TimeoutError";
      resolve({
        ok: false,
        status: null,
        error: timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : connectionError(error),
      });
    });
    outgoing.end(body);
  });
}

/** What went wrong connecting, in one line without anything the receiver sent. */
function connectionError(error: NodeJS.ErrnoException): string {
  if (error.code === "EPRIVATEADDRESS") return error.message;
  return `could not connect: ${error.code ?? error.message}`.slice(0, 300);
}
