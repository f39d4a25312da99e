import type { FaultKind } from "../faults/fault-rules";

/**
 * Every ARM request the simulator received, so tests can prove e.g. that no update went
 * out without If-Match. Bodies are never recorded (they may carry secrets).
 */
export interface RequestLogEntry {
  seq: number;
  startedAt: string;
  durationMs: number;
  method: string;
  /** Path and query as the client sent them. */
  url: string;
  /** The status answered; for a dropped response the one that was lost; null if dropped before handling. */
  status: number | null;
  dropped: "request" | "response" | null;
  ifMatchSent: boolean;
  ifMatch: string | null;
  requestId: string;
  correlationId: string;
  faults: FaultKind[];
}

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  /** Keeps the newest `limit` entries. */
  constructor(private readonly limit: number) {}

  add(entry: Omit<RequestLogEntry, "seq">): void {
    this.entries.push({ seq: this.nextSeq++, ...entry });
    // Trim in batches so the cost per request stays constant on average.
    if (this.entries.length > this.limit * 1.5) this.entries = this.entries.slice(-this.limit);
  }

  /** Entries with `seq` greater than `since`, oldest first, at most `limit` of them. */
  list(since: number, limit: number): { requests: RequestLogEntry[]; lastSeq: number } {
    const requests = this.entries
      .filter((entry) => entry.seq > since)
      .slice(-this.limit)
      .slice(0, limit);
    return { requests, lastSeq: this.nextSeq - 1 };
  }

  clear(): void {
    this.entries = [];
  }
}
