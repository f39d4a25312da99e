import { describe, expect, it } from "vitest";
import { appErrorOf as failure } from "../../../test/support/apim/app-error";
import { armError, fakeArm, servicePath, type FakeReply } from "../../../test/support/apim/fake-arm";

const policyBody = { name: "policy", properties: { format: "xml", value: "<policies />" } };
const ok = (status = 200): FakeReply => ({ status, headers: { etag: '"new"' }, body: policyBody });

/** Answers the scripted replies in order, then the last one forever. */
function script(...replies: FakeReply[]) {
  return (_: unknown, index: number) => replies[Math.min(index, replies.length - 1)] as FakeReply;
}

describe("the retry policy, through client calls", () => {
  it("retries a read after 5xx and a dropped connection, and reports every attempt", async () => {
    const arm = fakeArm(script({ status: 500 }, { transportError: "ECONNRESET" }, ok()));
    const { value, trace } = await arm.client().getApiPolicy("api-1");
    expect(value).toEqual({ xml: "<policies />", etag: '"new"' });
    expect(arm.requests).toHaveLength(3);
    expect(trace.attempts).toBe(3);
    expect(trace.requestIds).toEqual(["req-1", "req-3"]);
  });

  it("sends the caller's correlation id on every attempt", async () => {
    const arm = fakeArm(script({ status: 503 }, ok()));
    const { trace } = await arm.client().getApiPolicy("api-1", { correlationId: "step-42" });
    expect(arm.requests.map((request) => request.headers["x-ms-correlation-request-id"])).toEqual([
      "step-42",
      "step-42",
    ]);
    expect(trace.correlationId).toBe("step-42");
  });

  it("generates one correlation id per call when the caller gives none", async () => {
    const arm = fakeArm(script(ok()));
    const client = arm.client();
    const first = await client.getApiPolicy("api-1");
    const second = await client.getApiPolicy("api-1");
    expect(first.trace.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.trace.correlationId).not.toBe(first.trace.correlationId);
    expect(arm.requests[0]?.headers["x-ms-correlation-request-id"]).toBe(first.trace.correlationId);
  });

  it("honours Retry-After before retrying a throttled write", async () => {
    const arm = fakeArm(
      script(
        { status: 429, headers: { "retry-after-ms": "40" }, body: armError("TooManyRequests", "slow down") },
        ok(201),
      ),
    );
    const started = performance.now();
    await arm.client().putApiPolicy("api-1", "<policies />", "absent");
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
    expect(arm.requests).toHaveLength(2);
  });

  it("retries 409 PessimisticConcurrencyConflict, also for a create", async () => {
    const busy: FakeReply = {
      status: 409,
      body: armError("PessimisticConcurrencyConflict", "Operation on the API is in progress"),
    };
    const arm = fakeArm(script(busy, busy, ok(201)));
    await arm.client().putApiPolicy("api-1", "<policies />", "absent");
    expect(arm.requests).toHaveLength(3);
  });

  it("retries a conditional write after a lost response and flags that a following 412 may be its own", async () => {
    const arm = fakeArm(
      script(
        { transportError: "ECONNRESET" },
        { status: 412, body: armError("ValidationError", "Resource was modified since last retrieval.") },
      ),
    );
    const error = await failure(arm.client().putApiPolicy("api-1", "<policies />", { etag: '"old"' }));
    expect(arm.requests.map((request) => request.headers["if-match"])).toEqual(['"old"', '"old"']);
    expect(error.code).toBe("precondition_failed");
    expect(error.details).toMatchObject({ status: 412, attempts: 2, mayHaveLanded: true });
  });

  it("does not repeat a create after a 500 or a lost connection: it may have landed", async () => {
    for (const reply of [{ status: 500 }, { transportError: "ECONNRESET" }] as FakeReply[]) {
      const arm = fakeArm(script(reply, ok(201)));
      const error = await failure(arm.client().putApiPolicy("api-1", "<policies />", "absent"));
      expect(arm.requests).toHaveLength(1);
      expect(error.code).toBe("unavailable");
      expect(error.details).toMatchObject({ attempts: 1, mayHaveLanded: true });
      expect(error.message).toMatch(/not retried because the write may have been carried out/);
    }
  });

  it("repeats a create whose connection was refused: it cannot have landed", async () => {
    const arm = fakeArm(script({ transportError: "ECONNREFUSED" }, ok(201)));
    const { trace } = await arm.client().putApiPolicy("api-1", "<policies />", "absent");
    expect(arm.requests).toHaveLength(2);
    expect(trace.status).toBe(201);
  });

  it("does not repeat a POST after a 502", async () => {
    const arm = fakeArm(script({ status: 502 }));
    const error = await failure(arm.client().refreshNamedValueSecret("kv-secret"));
    expect(arm.requests.map((request) => request.method)).toEqual(["POST"]);
    expect(error.details.mayHaveLanded).toBe(true);
  });

  it("stops after maxAttempts and says so", async () => {
    const arm = fakeArm(script({ status: 503 }));
    const error = await failure(arm.client({ retry: { maxAttempts: 3 } }).getApiPolicy("api-1"));
    expect(arm.requests).toHaveLength(3);
    expect(error.code).toBe("unavailable");
    expect(error.details).toMatchObject({ status: 503, attempts: 3, mayHaveLanded: false });
  });

  it("gives up at once when Retry-After exceeds the call's remaining retry budget", async () => {
    const arm = fakeArm(script({ status: 429, headers: { "retry-after": "120" } }, ok()));
    const error = await failure(arm.client().getApiPolicy("api-1"));
    expect(arm.requests).toHaveLength(1);
    expect(error.code).toBe("unavailable");
    expect(error.details.retryAfterMs).toBe(120_000);
  });

  it("shares one wait budget across the requests of a call", async () => {
    // Each page is throttled once for 30 ms; the budget allows 50 ms of waiting in all, so the
    // second page's throttle ends the call: page 1 (429, 200), page 2 (429).
    let throttleNext = true;
    const arm = fakeArm((request) => {
      if (throttleNext) {
        throttleNext = false;
        return { status: 429, headers: { "retry-after-ms": "30" } };
      }
      throttleNext = true;
      const page = Number(request.url.searchParams.get("page") ?? "1");
      return {
        status: 200,
        body: { value: [], nextLink: `https://arm.test${servicePath}/apis?api-version=2024-05-01&page=${page + 1}` },
      };
    });
    const error = await failure(arm.client({ retry: { maxRetryWaitMs: 50 } }).listApis());
    expect(arm.requests).toHaveLength(3);
    expect(error.details.retryAfterMs).toBe(30);
  });

  it("bounds a call by its timeout, sleeps included", async () => {
    const arm = fakeArm(script({ status: 503, headers: { "retry-after-ms": "200" } }));
    const error = await failure(arm.client().getApiPolicy("api-1", { timeoutMs: 50 }));
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/within 50 ms/);
    expect(arm.requests).toHaveLength(1);
  });

  it("lets the caller cancel a call", async () => {
    const arm = fakeArm(script({ status: 503, headers: { "retry-after-ms": "200" } }));
    const controller = new AbortController();
    const call = arm.client().getApiPolicy("api-1", { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("cancelled by caller")), 10);
    await expect(call).rejects.toThrow("cancelled by caller");
  });
});
