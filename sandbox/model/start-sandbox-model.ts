import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { z } from "zod";
import type { CredentialSources } from "./check-model-credential";
import { handleModelRequest } from "./handle-model-request";
import type { ModelAccount } from "./model-accounts";
import { ModelCallLog } from "./model-call-log";
import { ModelKeys } from "./model-keys";
import { closeServer, listenOn } from "../http/listening-server";

export interface SandboxModelOptions {
  /** Where the accounts' keys persist. */
  dataDir: string;
  port: number;
  host?: string;
  tls: { keyPem: string; certPem: string };
  accounts: readonly ModelAccount[];
  credentials: Omit<CredentialSources, "keys">;
}

export interface SandboxModel {
  /** `https://localhost:{port}`: where the gateway sends what it forwards to an Azure AI host. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

const keySchema = z.object({ account: z.string().min(1), key: z.string().min(1).max(256) }).strict();
const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

/**
 * The sandbox's stand-in for Azure OpenAI and Foundry model endpoints, over HTTPS with the
 * sandbox CA. It is reached through the gateway's name resolution (an Azure AI host name in a
 * backend URL) and answers only callers with the account's key or an identity holding an
 * inference role on it. `/_sandbox/model/…` controls show what it saw and set its keys.
 */
export async function startSandboxModel(options: SandboxModelOptions): Promise<SandboxModel> {
  const keys = await ModelKeys.open(options.dataDir, options.accounts);
  const log = new ModelCallLog(10_000);
  const parts = { accounts: options.accounts, credentials: { ...options.credentials, keys }, log };

  const server = createServer({ key: options.tls.keyPem, cert: options.tls.certPem }, (request, response) => {
    const handled = request.url?.startsWith("/_sandbox/")
      ? handleControl(keys, log, request, response)
      : handleModelRequest(parts, request, response);
    handled.catch((error: unknown) => {
      console.error("Sandbox model: request failed", error);
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const port = await listenOn(server, options.port, options.host);
  return {
    endpoint: `https://localhost:${port}`,
    port,
    close: () => closeServer(server),
  };
}

async function handleControl(keys: ModelKeys, log: ModelCallLog, request: IncomingMessage, response: ServerResponse) {
  if (!loopback.has(request.socket.remoteAddress ?? ""))
    return reply(response, 403, { error: { message: "Sandbox controls answer loopback clients only." } });
  const url = new URL(request.url ?? "/", "https://localhost");
  const route = `${request.method} ${url.pathname.replace(/\/+$/, "")}`;
  switch (route) {
    case "GET /_sandbox/model/calls":
      return reply(response, 200, log.list(Number(url.searchParams.get("since") ?? 0) || 0));
    case "DELETE /_sandbox/model/calls":
      log.clear();
      return reply(response, 204);
    case "POST /_sandbox/model/keys": {
      const chunks: Buffer[] = [];
      for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
      let parsed: ReturnType<typeof keySchema.safeParse>;
      try {
        parsed = keySchema.safeParse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        return reply(response, 400, { error: { message: "The body is not JSON." } });
      }
      if (!parsed.success)
        return reply(response, 400, {
          error: { message: `Expected {account, key}: ${parsed.error.issues[0]?.message}` },
        });
      if (!keys.has(parsed.data.account))
        return reply(response, 404, { error: { message: `No model account ${parsed.data.account}.` } });
      await keys.set(parsed.data.account, parsed.data.key);
      return reply(response, 204);
    }
    default:
      return reply(response, 404, { error: { message: `No sandbox control ${route}.` } });
  }
}

function reply(response: ServerResponse, status: number, body?: unknown): void {
  const json = body === undefined ? "" : JSON.stringify(body);
  response
    .writeHead(status, {
      ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
      "Content-Length": String(Buffer.byteLength(json)),
    })
    .end(json);
}
