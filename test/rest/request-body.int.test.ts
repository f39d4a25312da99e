import { beforeAll, describe, expect, it } from "vitest";
import * as instances from "../../app/api/v1/instances/route";
import { setupSandboxHarness } from "../support/sandbox-harness";

/**
 * A JSON body over 1 MiB is answered 413 before it is read whole: a Content-Length over the
 * limit is refused without reading at all, and a body that turns out longer than it said (or
 * said nothing) is refused as soon as the limit is passed.
 */
const sandbox = setupSandboxHarness();
let admin = "";
beforeAll(async () => {
  admin = await sandbox.tokens.automation();
});

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A JSON body of `size` bytes, produced in chunks on demand; `pulled` counts what was read. */
function streamedBody(size: number) {
  const counter = { pulled: 0 };
  const head = '{"name":"';
  const tail = '"}';
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close();
      const length = Math.min(CHUNK, size - sent);
      const chunk = new Uint8Array(length).fill(0x61);
      if (sent === 0) chunk.set(new TextEncoder().encode(head));
      if (sent + length === size) chunk.set(new TextEncoder().encode(tail), length - tail.length);
      sent += length;
      counter.pulled += length;
      controller.enqueue(chunk);
    },
  });
  return { stream, counter };
}

async function post(size: number, contentLength?: number) {
  const { stream, counter } = streamedBody(size);
  const headers = new Headers({ authorization: `Bearer ${admin}`, "content-type": "application/json" });
  if (contentLength !== undefined) headers.set("content-length", String(contentLength));
  const request = new Request("http://localhost:3999/api/v1/instances", {
    method: "POST",
    headers,
    body: stream,
    duplex: "half",
  } as RequestInit);
  const response = await instances.POST(request, { params: Promise.resolve({}) });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json(), counter };
}

describe("REST: request bodies over 1 MiB", () => {
  it("refuses a declared Content-Length over the limit without reading the body", async () => {
    const answer = await post(8 * MiB, 8 * MiB);
    expect(answer).toMatchObject({
      status: 413,
      type: "application/problem+json",
      body: { code: "payload_too_large" },
    });
    expect(answer.counter.pulled).toBeLessThanOrEqual(CHUNK);
  });

  it("stops reading a body longer than it declared, or that declared nothing, once past the limit", async () => {
    for (const declared of [100, undefined]) {
      const answer = await post(8 * MiB, declared);
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 413, errors: [{ path: "(body)" }] });
      expect(answer.counter.pulled).toBeLessThanOrEqual(MiB + 2 * CHUNK);
    }
  });

  it("reads a body just under the limit and judges it by its content", async () => {
    const answer = await post(MiB - 16);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "bad_request" });
  });
});

describe("REST: request bodies nested too deeply", () => {
  it("refuses a small body nested thousands of levels deep with a 400, not a stack overflow", async () => {
    for (const body of [
      `{"name":${"[".repeat(5000)}${"]".repeat(5000)}}`,
      `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`,
    ]) {
      const response = await instances.POST(
        new Request("http://localhost:3999/api/v1/instances", {
          method: "POST",
          headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
          body,
        }),
        { params: Promise.resolve({}) },
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        code: "bad_request",
        errors: [{ path: "(input)", message: "is nested more than 32 levels deep" }],
      });
    }
  });
});
