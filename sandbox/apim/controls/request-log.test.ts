import { describe, expect, it } from "vitest";
import { RequestLog, type RequestLogEntry } from "./request-log";

function entry(method: string, ifMatch: string | null = null): Omit<RequestLogEntry, "seq"> {
  return {
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    method,
    url: "/x",
    status: 200,
    dropped: null,
    ifMatchSent: ifMatch !== null,
    ifMatch,
    requestId: "r",
    correlationId: "c",
    faults: [],
  };
}

describe("request log", () => {
  it("numbers entries and lists those after a sequence number", () => {
    const log = new RequestLog(10);
    log.add(entry("GET"));
    log.add(entry("PATCH", '"AAAAAADmodU="'));
    log.add(entry("DELETE", "*"));
    const { requests, lastSeq } = log.list(1, 100);
    expect(lastSeq).toBe(3);
    expect(requests.map((r) => [r.seq, r.method, r.ifMatch])).toEqual([
      [2, "PATCH", '"AAAAAADmodU="'],
      [3, "DELETE", "*"],
    ]);
  });

  it("keeps only the newest entries and honours the page limit", () => {
    const log = new RequestLog(5);
    for (let i = 0; i < 20; i++) log.add(entry("GET"));
    expect(log.list(0, 100).requests.map((r) => r.seq)).toEqual([16, 17, 18, 19, 20]);
    expect(log.list(0, 2).requests.map((r) => r.seq)).toEqual([16, 17]);
  });

  it("clears its entries but keeps counting", () => {
    const log = new RequestLog(5);
    log.add(entry("GET"));
    log.clear();
    log.add(entry("GET"));
    expect(log.list(0, 10).requests.map((r) => r.seq)).toEqual([2]);
  });
});
