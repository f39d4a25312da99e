import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  classifyOutcome,
  decideRetry,
  mayHaveLanded,
  requestKind,
  type AttemptOutcome,
  type RequestKind,
} from "./retry-decision";
import type { RetryOptions } from "./retry-options";

const options: RetryOptions = {
  maxAttempts: 4,
  maxRetryWaitMs: 10_000,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  attemptTimeoutMs: 5_000,
};

function decide(kind: RequestKind, outcome: AttemptOutcome, attempt = 1, remainingWaitMs = 10_000) {
  return decideRetry({ kind, outcome, attempt, remainingWaitMs, options, random: () => 0.5 });
}

const response = (status: number, extra: { armCode?: string; retryAfterMs?: number } = {}): AttemptOutcome => ({
  type: "response",
  status,
  ...extra,
});
const transport = (code: string): AttemptOutcome => ({ type: "transportError", code });

describe("requestKind", () => {
  it("tells reads, conditional writes and unconditional writes apart", () => {
    expect(requestKind("GET", undefined)).toBe("read");
    expect(requestKind("HEAD", undefined)).toBe("read");
    expect(requestKind("PUT", '"etag"')).toBe("conditionalWrite");
    expect(requestKind("DELETE", '"etag"')).toBe("conditionalWrite");
    expect(requestKind("PUT", undefined)).toBe("unconditionalWrite");
    expect(requestKind("POST", undefined)).toBe("unconditionalWrite");
  });
});

describe("classifyOutcome", () => {
  it.each([
    [response(200), "final"],
    [response(201), "final"],
    [response(202), "final"],
    [response(400), "final"],
    [response(404), "final"],
    [response(412), "final"],
    [response(409, { armCode: "Conflict" }), "final"],
    [response(501), "final"],
    [response(505), "final"],
    [response(429), "notProcessed"],
    [response(409, { armCode: "PessimisticConcurrencyConflict" }), "notProcessed"],
    [response(503, { retryAfterMs: 1000 }), "notProcessed"],
    [response(503), "ambiguous"],
    [response(500), "ambiguous"],
    [response(502), "ambiguous"],
    [response(504), "ambiguous"],
    [response(408), "ambiguous"],
    [transport("ECONNREFUSED"), "notProcessed"],
    [transport("ENOTFOUND"), "notProcessed"],
    [transport("ECONNRESET"), "ambiguous"],
    [transport("ETIMEDOUT"), "ambiguous"],
    [transport("ATTEMPT_TIMEOUT"), "ambiguous"],
    [transport("CERT_HAS_EXPIRED"), "final"],
  ] as const)("%o is %s", (outcome, expected) => {
    expect(classifyOutcome(outcome)).toBe(expected);
  });
});

describe("decideRetry", () => {
  it("retries what the server refused, whatever the method, honouring Retry-After", () => {
    for (const kind of ["read", "conditionalWrite", "unconditionalWrite"] as const) {
      expect(decide(kind, response(429, { retryAfterMs: 3_000 }))).toEqual({ retry: true, delayMs: 3_000 });
      expect(decide(kind, response(503, { retryAfterMs: 0 }))).toEqual({ retry: true, delayMs: 0 });
      expect(decide(kind, response(409, { armCode: "PessimisticConcurrencyConflict" }))).toEqual({
        retry: true,
        delayMs: 75,
      });
      expect(decide(kind, transport("ECONNREFUSED"))).toEqual({ retry: true, delayMs: 75 });
    }
  });

  it("retries ambiguous failures of reads and conditional writes only", () => {
    for (const outcome of [response(500), response(503), transport("ECONNRESET"), transport("ATTEMPT_TIMEOUT")]) {
      expect(decide("read", outcome)).toEqual({ retry: true, delayMs: 75 });
      expect(decide("conditionalWrite", outcome)).toEqual({ retry: true, delayMs: 75 });
      expect(decide("unconditionalWrite", outcome)).toEqual({ retry: false, reason: "unsafe" });
    }
  });

  it("does not retry final answers", () => {
    expect(decide("read", response(200))).toEqual({ retry: false, reason: "final" });
    expect(decide("conditionalWrite", response(412))).toEqual({ retry: false, reason: "final" });
    expect(decide("read", response(401))).toEqual({ retry: false, reason: "final" });
  });

  it("stops after maxAttempts", () => {
    expect(decide("read", response(500), 3)).toEqual({ retry: true, delayMs: 300 });
    expect(decide("read", response(500), 4)).toEqual({ retry: false, reason: "exhausted" });
  });

  it("gives up rather than wait longer than the remaining budget", () => {
    expect(decide("read", response(429, { retryAfterMs: 5_000 }), 1, 4_999)).toEqual({
      retry: false,
      reason: "budget",
    });
    expect(decide("read", response(429, { retryAfterMs: 5_000 }), 1, 5_000)).toEqual({ retry: true, delayMs: 5_000 });
    expect(decide("read", response(500), 1, 10)).toEqual({ retry: false, reason: "budget" });
  });
});

describe("backoffDelay", () => {
  it("doubles per attempt up to the cap, with half of each step jittered", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, () => 0.999999))).toEqual([
      100, 200, 400, 800, 1000,
    ]);
  });
});

describe("mayHaveLanded", () => {
  it("is true for writes whose attempt ended ambiguously, never for reads", () => {
    expect(mayHaveLanded("conditionalWrite", response(500))).toBe(true);
    expect(mayHaveLanded("unconditionalWrite", transport("ECONNRESET"))).toBe(true);
    expect(mayHaveLanded("unconditionalWrite", transport("SOMETHING_ELSE"))).toBe(true);
    expect(mayHaveLanded("read", response(500))).toBe(false);
    expect(mayHaveLanded("conditionalWrite", response(429))).toBe(false);
    expect(mayHaveLanded("conditionalWrite", transport("ECONNREFUSED"))).toBe(false);
    expect(mayHaveLanded("conditionalWrite", response(412))).toBe(false);
  });
});
