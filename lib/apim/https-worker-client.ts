import { Worker } from "node:worker_threads";
import {
  createHttpHeaders,
  RestError,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";

/**
 * What the worker thread runs (plain JavaScript, evaluated as the worker's script, so that it
 * needs no file of its own in any build): one `https.request` per message on a keep-alive agent,
 * the attempt's timeout, gzip/deflate inflated, a HEAD's body ignored; the answer (status,
 * headers, body text) or the failure (Node's message and code) posted back under the request's id.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const https = require("node:https");
const zlib = require("node:zlib");
const agent = new https.Agent({ keepAlive: true });
const inFlight = new Map();
parentPort.on("message", (message) => {
  if (message.abort !== undefined) {
    const entry = inFlight.get(message.abort);
    if (entry) entry.end(undefined);
    return;
  }
  const { id, url, method, headers, body, timeout } = message;
  let req;
  try {
    req = https.request(url, { agent, method, headers });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
    return;
  }
  let timer;
  const entry = {
    end(reply) {
      if (!inFlight.delete(id)) return;
      if (timer !== undefined) clearTimeout(timer);
      if (reply) parentPort.postMessage(reply);
      else req.destroy();
    },
  };
  inFlight.set(id, entry);
  if (timeout > 0)
    timer = setTimeout(() => {
      entry.end({ id, timedOut: true });
      req.destroy();
    }, timeout);
  req.once("error", (error) => entry.end({ id, error: { message: error.message, code: error.code } }));
  req.once("response", (res) => {
    const status = res.statusCode ?? 0;
    // Answered once the response has ended, when its connection is free for the next request.
    if (method === "HEAD") {
      res.once("end", () => entry.end({ id, status, headers: res.headers }));
      res.resume();
      return;
    }
    const encoding = res.headers["content-encoding"];
    const stream =
      encoding === "gzip" ? res.pipe(zlib.createGunzip()) : encoding === "deflate" ? res.pipe(zlib.createInflate()) : res;
    const chunks = [];
    let ends = stream === res ? 1 : 2;
    const ended = () => {
      if (--ends === 0) entry.end({ id, status, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") });
    };
    stream.on("data", (chunk) => chunks.push(chunk));
    stream.once("end", ended);
    if (stream !== res) res.once("end", ended);
    const onError = (error) => entry.end({ id, bodyError: error.message });
    stream.once("error", onError);
    if (stream !== res) res.once("error", onError);
  });
  req.end(body);
});
`;

interface Reply {
  id: number;
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  timedOut?: true;
  error?: { message: string; code?: string };
  bodyError?: string;
}

interface Pending {
  request: PipelineRequest;
  resolve: (response: PipelineResponse) => void;
  reject: (error: unknown) => void;
  onAbort?: () => void;
}

/**
 * The HTTP client under every ARM request (arm-transport.ts), sending each request from a worker
 * thread: Node's HTTPS and TLS for an ARM request cost the thread that sends it ~0.2 ms of CPU,
 * and the applies are bound by the main thread's CPU, whose event loop every wait of an apply
 * ends in (bench/README.md, "Apply a profile change to 200 APIs", applycpu2). Everything above
 * the HTTP exchange stays on the caller's thread: the token, the guard, retries and their
 * decisions, the answer's parsing. What core-rest-pipeline's Node client did, it does: the
 * attempt's timeout and the call's signal end the attempt with an `AbortError`, a transport
 * failure is a `RestError` with Node's code (the retry policy's input), gzip and deflate answers
 * are inflated, a HEAD's body is ignored, no redirect is followed, keep-alive connections are
 * shared by every request of the process. A request the worker cannot carry — through a proxy
 * (an agent on the request), or with a body other than text — goes to `fallback` on this thread.
 */
export function createHttpsWorkerClient(fallback: HttpClient): HttpClient {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const settle = (id: number): Pending | undefined => {
    const entry = pending.get(id);
    if (!entry) return undefined;
    pending.delete(id);
    if (entry.onAbort) entry.request.abortSignal?.removeEventListener("abort", entry.onAbort);
    // The worker keeps the process alive only while a request waits for it.
    if (pending.size === 0) worker?.unref();
    return entry;
  };

  const onReply = (reply: Reply) => {
    const entry = settle(reply.id);
    if (!entry) return;
    const { request } = entry;
    if (reply.timedOut) entry.reject(abortError(`The request timed out after ${request.timeout} ms.`));
    else if (reply.error)
      entry.reject(
        new RestError(reply.error.message, { code: reply.error.code ?? RestError.REQUEST_SEND_ERROR, request }),
      );
    else if (reply.bodyError !== undefined)
      entry.reject(
        new RestError(`Error reading response as text: ${reply.bodyError}`, { code: RestError.PARSE_ERROR, request }),
      );
    else
      entry.resolve({
        status: reply.status!,
        headers: responseHeaders(reply.headers!),
        request,
        bodyAsText: reply.body,
      });
  };

  const started = (): Worker => {
    if (worker) return worker;
    const created = new Worker(WORKER_SOURCE, { eval: true });
    created.on("message", onReply);
    // A worker that dies fails what it held; the next request starts another.
    const lost = (error: unknown) => {
      if (worker === created) worker = undefined;
      const message = error instanceof Error ? error.message : "the HTTPS worker stopped";
      for (const id of [...pending.keys()]) {
        const entry = settle(id)!;
        entry.reject(new RestError(message, { code: RestError.REQUEST_SEND_ERROR, request: entry.request }));
      }
    };
    created.on("error", lost);
    created.on("exit", lost);
    created.unref();
    worker = created;
    return created;
  };

  return {
    sendRequest(request) {
      const body = request.body;
      if (
        request.agent !== undefined ||
        !request.url.startsWith("https://") ||
        (body !== undefined && typeof body !== "string")
      )
        return fallback.sendRequest(request);
      return new Promise<PipelineResponse>((resolve, reject) => {
        const signal = request.abortSignal;
        if (signal?.aborted) {
          reject(abortError("The operation was aborted. Request has already been canceled."));
          return;
        }
        const target = started();
        const id = nextId++;
        const entry: Pending = { request, resolve, reject };
        if (signal) {
          entry.onAbort = () => {
            if (!settle(id)) return;
            target.postMessage({ abort: id });
            reject(abortError("The operation was aborted."));
          };
          signal.addEventListener("abort", entry.onAbort, { once: true });
        }
        if (pending.size === 0) target.ref();
        pending.set(id, entry);
        target.postMessage({
          id,
          url: request.url,
          method: request.method,
          headers: request.headers.toJSON({ preserveCase: true }),
          body,
          timeout: request.timeout,
        });
      });
    },
  };
}

/** The answer's headers as core-rest-pipeline's Node client gave them: the first of repeated ones, empty ones left out. */
function responseHeaders(raw: Record<string, string | string[] | undefined>) {
  const headers = createHttpHeaders();
  for (const name in raw) {
    const value = raw[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (first) headers.set(name, first);
  }
  return headers;
}

function abortError(message: string): Error {
  const error = new Error(message);
  error.name = "AbortError";
  return error;
}
