import http from "node:http";
import path from "node:path";
import type { Duplex } from "node:stream";
import next from "next";
import { getDb, setDb } from "../lib/db";
import { getConfig } from "../lib/env";
import { NOTHING_POLICY, securityHeaders } from "../lib/http/security-headers";
import { edgeRefusal } from "../lib/rest/edge-refusal";
import { problemResponse, toProblem } from "../lib/rest/problem";
import { requestMetaFrom } from "../lib/rest/request-meta";
import { startScheduler } from "../lib/scheduler/start-scheduler";

/**
 * The web server `npm start` runs: what `next start` runs, plus the one thing Next.js cannot do
 * itself. TRACE, TRACK and CONNECT cannot be represented as a fetch Request (Node refuses to
 * build one), so Next.js fails on them with 500 before proxy.ts could answer; they are answered
 * here as proxy.ts answers every other method nothing serves: 405 problem+json with Allow.
 */
const UNREPRESENTABLE = new Set(["TRACE", "TRACK", "CONNECT"]);

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 3000);

// Opened here, in this process's own modules, before Next.js loads a route: the embedded
// database's thread is a file beside lib/db/embedded-database.ts, which a route's bundled copy
// would look for next to the bundle instead. Every route shares this handle (lib/db/index.ts).
getDb();

const app = next({ dev: false, dir: root, port });
await app.prepare();
const handle = app.getRequestHandler();

async function refusal(request: http.IncomingMessage): Promise<{ status: number; headers: Headers; body: string }> {
  const { requestId } = requestMetaFrom(new Headers({ "x-request-id": String(request.headers["x-request-id"] ?? "") }));
  const refused = edgeRefusal(request.method!, new URL(request.url ?? "/", "http://localhost").pathname)!;
  const response = problemResponse(toProblem(refused.error, requestId), refused.allow ? { allow: refused.allow } : {});
  const config = getConfig();
  const settings = { appUrl: config.appUrl, identityProvider: config.entra?.authorityHost };
  for (const [name, value] of Object.entries(securityHeaders(NOTHING_POLICY, settings))) {
    response.headers.set(name, value);
  }
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const server = http.createServer((request, response) => {
  if (!UNREPRESENTABLE.has(request.method ?? "")) {
    void handle(request, response);
    return;
  }
  void refusal(request).then(({ status, headers, body }) => {
    response.writeHead(status, Object.fromEntries(headers));
    response.end(body);
  });
});
// Node hands CONNECT to this event, with the bare socket, instead of to the request listener.
server.on("connect", (request: http.IncomingMessage, socket: Duplex) => {
  void refusal(request).then(({ status, headers, body }) => {
    const lines = [`HTTP/1.1 ${status} Method Not Allowed`, "connection: close"];
    headers.forEach((value, name) => lines.push(`${name}: ${value}`));
    lines.push(`content-length: ${Buffer.byteLength(body)}`);
    socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
  });
});
server.listen(port, () => console.log(`✓ Ready on port ${port}`));

// Drift scans, checkpoint signing and webhook deliveries run here, in the server process (never
// in a route handler), sharing its database handle: on the embedded database there is only one.
const scheduler = startScheduler();

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    // A job in progress finishes and records its outcome before the process ends; then the
    // database closes once the work appends started in the background (a checkpoint) is done.
    void Promise.allSettled([closed, scheduler.stop()])
      .then(() => setDb(undefined)?.close())
      .catch((error: unknown) => console.error("closing the database failed", error))
      .finally(() => process.exit(0));
  });
}
