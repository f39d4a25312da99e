import type { IncomingMessage } from "node:http";

/** One delivery the receiver took, as it arrived: the raw body, so a test can check the signature. */
export interface ReceivedWebhook {
  seq: number;
  receivedAt: string;
  /** The path after /_sandbox/webhooks/ (one receiver per name). */
  name: string;
  headers: Record<string, string>;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

const RECORDED_HEADERS = ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature", "user-agent"];
const MAX_BODY_BYTES = 1024 * 1024;
const KEPT = 1000;

/**
 * The sandbox's webhook receiver (`POST /_sandbox/webhooks/<name>`): the one loopback address a
 * Portcullis in sandbox mode may send webhooks to. It records each delivery and answers 204, or
 * the statuses a test programmed for that name (`PUT /_sandbox/webhook-answers/<name>`), one per
 * delivery, so retries and give-ups can be shown.
 */
export class WebhookReceiver {
  private received: ReceivedWebhook[] = [];
  private readonly answers = new Map<string, number[]>();
  private nextSeq = 1;

  async receive(name: string, request: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return 413;
      chunks.push(chunk);
    }
    const status = this.answers.get(name)?.shift() ?? 204;
    const headers: Record<string, string> = {};
    for (const header of RECORDED_HEADERS) {
      const value = request.headers[header];
      if (typeof value === "string") headers[header] = value;
    }
    this.received.push({
      seq: this.nextSeq++,
      receivedAt: new Date().toISOString(),
      name,
      headers,
      body: Buffer.concat(chunks).toString("utf8"),
      status,
    });
    if (this.received.length > KEPT) this.received = this.received.slice(-KEPT);
    return status;
  }

  program(name: string, statuses: number[]): void {
    this.answers.set(name, [...statuses]);
  }

  list(name?: string): ReceivedWebhook[] {
    return name === undefined ? [...this.received] : this.received.filter((r) => r.name === name);
  }

  clear(): void {
    this.received = [];
    this.answers.clear();
  }
}
