import { execFile } from "node:child_process";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import {
  createHttpHeaders,
  createPipelineRequest,
  isRestError,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { Agent } from "node:https";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureSandboxTls } from "../../sandbox/tls/ensure-sandbox-tls";
import { createHttpsWorkerClient } from "./https-worker-client";

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

let server: Server;
let origin = "";
let handler: Handler = (_request, response) => response.end();
/** Connections the server accepted, and the requests it received, since the test began. */
let connections = 0;
const received: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  const tls = await ensureSandboxTls(inject("sandboxTlsDir"));
  server = createServer({ key: tls.keyPem, cert: tls.certPem, keepAliveTimeout: 5_000 }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      handler(request, response, body);
    });
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  connections = 0;
  received.length = 0;
  server.closeIdleConnections();
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A fallback that must not be used, or that records what it was given. */
function recordingFallback(): HttpClient & { sent: PipelineRequest[] } {
  const sent: PipelineRequest[] = [];
  return {
    sent,
    sendRequest: async (request) => {
      sent.push(request);
      return { status: 299, headers: createHttpHeaders(), request, bodyAsText: "fallback" };
    },
  };
}

function request(pathname: string, options: Partial<Parameters<typeof createPipelineRequest>[0]> = {}) {
  return createPipelineRequest({ url: `${origin}${pathname}`, method: "GET", ...options });
}

describe("the ARM client's HTTPS worker", () => {
  it("sends the method, URL, headers and body, and answers status, headers and body text", async () => {
    handler = (_request, response) => {
      response.setHeader("etag", '"v1"');
      response.setHeader("x-ms-request-id", "req-1");
      response.setHeader("x-empty", "");
      response.setHeader("set-cookie", ["a=1", "b=2"]);
      response.writeHead(201, { "content-type": "application/json" }).end('{"name":"änne"}');
    };
    const client = createHttpsWorkerClient(recordingFallback());
    const body = JSON.stringify({ properties: { value: "ü" } });
    const response = await client.sendRequest(
      request("/apis/a?api-version=2024-05-01", {
        method: "PUT",
        body,
        headers: createHttpHeaders({
          authorization: "Bearer t",
          "If-Match": '"v0"',
          "content-type": "application/json",
        }),
      }),
    );

    expect(response.status).toBe(201);
    expect(response.bodyAsText).toBe('{"name":"änne"}');
    expect(response.headers.get("ETag")).toBe('"v1"');
    expect(response.headers.get("x-ms-request-id")).toBe("req-1");
    expect(response.headers.get("set-cookie")).toBe("a=1");
    expect(response.headers.has("x-empty")).toBe(false);
    expect(received).toEqual([
      expect.objectContaining({
        method: "PUT",
        url: "/apis/a?api-version=2024-05-01",
        body,
        headers: expect.objectContaining({
          authorization: "Bearer t",
          "if-match": '"v0"',
          "content-length": String(Buffer.byteLength(body)),
        }),
      }),
    ]);
  });

  it("inflates gzip answers, ignores a HEAD's body, and keeps one connection for requests in turn", async () => {
    handler = (request, response) => {
      // As ARM answers a HEAD: the length of the body a GET would have, and none.
      if (request.method === "HEAD") response.writeHead(200, { etag: '"h"', "content-length": "17" }).end();
      else response.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync('{"value":[1,2,3]}'));
    };
    const client = createHttpsWorkerClient(recordingFallback());
    const gets = [];
    for (let i = 0; i < 3; i++) {
      const head = await client.sendRequest(request("/policy", { method: "HEAD" }));
      expect(head.headers.get("etag")).toBe('"h"');
      expect(head.bodyAsText).toBeUndefined();
      gets.push((await client.sendRequest(request("/list"))).bodyAsText);
    }
    expect(gets).toEqual(Array(3).fill('{"value":[1,2,3]}'));
    expect(connections).toBe(1);
  });

  it("ends an attempt that outlives its timeout with an AbortError", async () => {
    handler = () => {}; // never answers
    const client = createHttpsWorkerClient(recordingFallback());
    const error = await client.sendRequest(request("/slow", { timeout: 100 })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(isRestError(error)).toBe(false);
  });

  it("ends the attempt when the call's signal aborts, and sends nothing for an aborted one", async () => {
    handler = () => {};
    const client = createHttpsWorkerClient(recordingFallback());
    const controller = new AbortController();
    const pending = client.sendRequest(request("/slow", { abortSignal: controller.signal })).catch((e: unknown) => e);
    await expect.poll(() => received.length).toBe(1);
    controller.abort();
    expect(await pending).toMatchObject({ name: "AbortError" });

    const error = await client
      .sendRequest(request("/never", { abortSignal: controller.signal }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AbortError" });
    expect(received.map((r) => r.url)).toEqual(["/slow"]);
  });

  it("fails with Node's code: a refused connection, a connection lost before or during the answer", async () => {
    const client = createHttpsWorkerClient(recordingFallback());
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await client
      .sendRequest(createPipelineRequest({ url: `https://127.0.0.1:${port}/`, method: "GET" }))
      .catch((e: unknown) => e);
    expect(isRestError(refused) && refused.code).toBe("ECONNREFUSED");

    handler = (request) => request.socket.destroy();
    const reset = await client.sendRequest(request("/reset")).catch((e: unknown) => e);
    expect(isRestError(reset) && reset.code).toBe("ECONNRESET");

    handler = (request, response) => {
      response.writeHead(200, { "content-length": "1000" }).write("{", () => request.socket.destroy());
    };
    const cut = await client.sendRequest(request("/cut")).catch((e: unknown) => e);
    expect(isRestError(cut) && cut.code).toBe("PARSE_ERROR");
  });

  it("leaves a request through a proxy (an agent on the request) to the fallback on this thread", async () => {
    const fallback = recordingFallback();
    const client = createHttpsWorkerClient(fallback);
    const proxied = request("/via-proxy");
    proxied.agent = new Agent(); // as core-rest-pipeline's proxy policy sets it
    const response = await client.sendRequest(proxied);
    expect(response.bodyAsText).toBe("fallback");
    expect(fallback.sent).toEqual([proxied]);
    expect(received).toEqual([]);
  });

  it("does not keep a process alive once its requests are answered", async () => {
    handler = (_request, response) => response.end("{}");
    const script = `
      const { createPipelineRequest } = require("@azure/core-rest-pipeline");
      const { createHttpsWorkerClient } = require(${JSON.stringify(path.resolve(__dirname, "https-worker-client.ts"))});
      const client = createHttpsWorkerClient({ sendRequest: () => { throw new Error("fallback"); } });
      client.sendRequest(createPipelineRequest({ url: ${JSON.stringify(`${origin}/one`)}, method: "GET" }))
        .then((response) => console.log("answered", response.status));
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script], {
      timeout: 20_000,
      env: process.env,
    });
    expect(stdout.trim()).toBe("answered 200");
  });
});
