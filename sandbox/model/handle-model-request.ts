import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkModelCredential, type CredentialSources } from "./check-model-credential";
import { accountNameOfHost, type ModelAccount } from "./model-accounts";
import { chatCompletion, embeddings } from "./model-answers";
import type { ModelCallLog } from "./model-call-log";

export interface ModelParts {
  accounts: readonly ModelAccount[];
  credentials: CredentialSources;
  log: ModelCallLog;
}

type Route = { answer: "chat" | "embeddings"; model: string | undefined } | undefined;

/**
 * One inference call: the account from the host name, the credential as Azure checks it
 * (before anything else), then the Azure OpenAI path (`/openai/deployments/{d}/…`, model =
 * deployment) or the Foundry models path (`/models/…`, model from the body).
 */
export async function handleModelRequest(parts: ModelParts, request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? "/", "https://localhost");
  const accountName = accountNameOfHost(request.headers.host ?? "");
  const account = parts.accounts.find((candidate) => candidate.name === accountName);
  const record = (
    status: number,
    credential: Parameters<ModelCallLog["add"]>[0]["credential"],
    refusal: string | null,
  ) =>
    parts.log.add({
      account: account?.name ?? null,
      method: request.method ?? "",
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      credential,
      status,
      refusal,
    });

  if (account === undefined) {
    record(404, { kind: "none" }, "AccountNotFound");
    return send(response, 404, { error: { code: "404", message: "Resource not found" } });
  }
  const check = await checkModelCredential(parts.credentials, account, {
    apiKey: single(request.headers["api-key"]),
    authorization: single(request.headers.authorization),
  });
  if (!check.ok) {
    record(check.status, check.credential, check.code);
    return send(response, check.status, { error: { code: check.code, message: check.message } });
  }
  const body = await readBody(request);
  const route = routeOf(request.method ?? "", url, body);
  if (route === undefined) {
    record(404, check.credential, "NotFound");
    return send(response, 404, { error: { code: "404", message: "Resource not found" } });
  }
  if (route.model === undefined) {
    record(400, check.credential, "MissingModel");
    return send(response, 400, { error: { code: "invalid_request_error", message: "The 'model' field is required." } });
  }
  record(200, check.credential, null);
  const input = (body ?? {}) as Record<string, unknown>;
  send(response, 200, route.answer === "chat" ? chatCompletion(route.model, input) : embeddings(route.model, input));
}

function routeOf(method: string, url: URL, body: unknown): Route {
  if (method !== "POST" || !url.searchParams.get("api-version")) return undefined;
  const openAi = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
  if (openAi)
    return { answer: openAi[2] === "embeddings" ? "embeddings" : "chat", model: decodeURIComponent(openAi[1]!) };
  const foundry = /^\/models\/(chat\/completions|embeddings)$/.exec(url.pathname);
  if (!foundry) return undefined;
  const model = (body as { model?: unknown } | undefined)?.model;
  return {
    answer: foundry[1] === "embeddings" ? "embeddings" : "chat",
    model: typeof model === "string" ? model : undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return text.trim() === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  response
    .writeHead(status, {
      "Content-Type": "application/json",
      "Content-Length": String(Buffer.byteLength(json)),
      // Azure OpenAI answers every call with its request id.
      "apim-request-id": randomUUID(),
    })
    .end(json);
}
