import { createHmac } from "node:crypto";

/**
 * The Standard Webhooks signature headers (standardwebhooks.com): `webhook-id` (the event id, the
 * same on every retry so a receiver can drop duplicates), `webhook-timestamp` (seconds, so a
 * receiver can refuse replays) and `webhook-signature`, `v1,` + base64 of
 * HMAC-SHA256(secret, `${id}.${timestamp}.${body}`).
 */
export function signatureHeaders(secret: Buffer, id: string, sentAt: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(sentAt.getTime() / 1000).toString();
  const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}
