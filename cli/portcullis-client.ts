/**
 * How the CLI reaches a Portcullis server's REST API (/api/v1) from a pipeline or a laptop:
 * an Entra access token for Portcullis's API, got with @azure/identity by client credentials
 * (AZURE_CLIENT_SECRET) or workload identity federation (AZURE_FEDERATED_TOKEN_FILE); or, with no
 * AZURE_* set, the sandbox's automation client from .data/sandbox.json (as `npm start` wrote it).
 */
import { readFile } from "node:fs/promises";
import { request } from "node:https";
import path from "node:path";
import { ClientSecretCredential, WorkloadIdentityCredential, type TokenCredential } from "@azure/identity";
import { InputError } from "./cli-io";

/** A GET of a /api/v1 path (e.g. `/instances`), answering the parsed JSON; throws InputError naming the problem. */
export type RestGet = (path: string) => Promise<unknown>;

/** Any call of a /api/v1 path, answering the status and the parsed JSON (problem+json included), whatever the status. */
export type RestCall = (
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
) => Promise<{ status: number; body: unknown }>;

/** The server's REST API and its base URL (for console links). */
export interface PortcullisConnection {
  url: string;
  call: RestCall;
}

export async function connectToPortcullis(env: NodeJS.ProcessEnv = process.env): Promise<RestGet> {
  return restGet((await connectToPortcullisApi(env)).call);
}

export async function connectToPortcullisApi(env: NodeJS.ProcessEnv = process.env): Promise<PortcullisConnection> {
  const { url, token } = env.AZURE_CLIENT_ID ? await azureAccess(env) : await sandboxAccess(env);
  return {
    url,
    call: async (method, resource, body) => {
      const response = await fetch(`${url}/api/v1${resource}`, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).catch((error: Error) => {
        throw new InputError(`cannot reach Portcullis at ${url}: ${error.message}`);
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
  };
}

/** GETs that answer the JSON of a 2xx and throw InputError with the problem's detail otherwise. */
export function restGet(call: RestCall): RestGet {
  return async (resource) => {
    const { status, body } = await call("GET", resource);
    if (status < 200 || status > 299) throw new InputError(`GET ${resource}: ${status} ${problemDetail(body)}`);
    return body;
  };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every item of a paged collection (`items`, `nextCursor`), 200 a page. */
export async function all<T>(get: RestGet, resource: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = resource.includes("?") ? "&" : "?";
    const page = (await get(
      `${resource}${separator}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    )) as Page<T>;
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

/** A problem+json answer as one line: its detail and each field named with its reason. */
export function problemDetail(body: unknown): string {
  const problem = (body ?? {}) as {
    detail?: string;
    title?: string;
    errors?: Array<{ path: string; message: string }>;
  };
  const fields = (problem.errors ?? []).map((error) => `${error.path} ${error.message}`).join("; ");
  return [problem.detail ?? problem.title ?? "no detail", fields].filter(Boolean).join(": ");
}

async function azureAccess(env: NodeJS.ProcessEnv) {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new InputError(`${name} is required with AZURE_CLIENT_ID`);
    return value;
  };
  const url = required("PORTCULLIS_URL").replace(/\/+$/, "");
  const scope = `${required("PORTCULLIS_AUDIENCE").replace(/\/+$/, "")}/.default`;
  const tenantId = required("AZURE_TENANT_ID");
  const clientId = required("AZURE_CLIENT_ID");
  const credential: TokenCredential = env.AZURE_CLIENT_SECRET
    ? new ClientSecretCredential(tenantId, clientId, env.AZURE_CLIENT_SECRET)
    : new WorkloadIdentityCredential({ tenantId, clientId, tokenFilePath: required("AZURE_FEDERATED_TOKEN_FILE") });
  return {
    url,
    token: async () => {
      const token = await credential.getToken(scope);
      if (!token) throw new InputError("Entra ID gave no access token for Portcullis");
      return token.token;
    },
  };
}

interface SandboxFile {
  appUrl: string;
  authorityHost: string;
  tenantId: string;
  apiAudience: string;
  caCertPath: string;
  automationClient: { clientId: string; clientSecret: string };
}

async function sandboxAccess(env: NodeJS.ProcessEnv) {
  const file = path.join(env.DATA_DIR ?? ".data", "sandbox.json");
  const sandbox = JSON.parse(
    await readFile(file, "utf8").catch(() => {
      throw new InputError(
        `no AZURE_CLIENT_ID set and no sandbox at ${file}: set PORTCULLIS_URL, PORTCULLIS_AUDIENCE and AZURE_* for a real server, or start the sandbox (npm start)`,
      );
    }),
  ) as SandboxFile;
  const ca = await readFile(sandbox.caCertPath, "utf8");
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: sandbox.automationClient.clientId,
    client_secret: sandbox.automationClient.clientSecret,
    scope: `${sandbox.apiAudience}/.default`,
  });
  let cached: string | undefined;
  return {
    url: (env.PORTCULLIS_URL ?? sandbox.appUrl).replace(/\/+$/, ""),
    token: async () =>
      (cached ??= await sandboxToken(`${sandbox.authorityHost}/${sandbox.tenantId}/oauth2/v2.0/token`, form, ca)),
  };
}

/** The sandbox identity provider's token endpoint, trusted through the sandbox CA (not the process's). */
function sandboxToken(endpoint: string, form: URLSearchParams, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = request(
      endpoint,
      { method: "POST", ca, headers: { "content-type": "application/x-www-form-urlencoded" } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => {
          const body = JSON.parse(text || "{}") as { access_token?: string; error?: string };
          if (body.access_token) resolve(body.access_token);
          else
            reject(new InputError(`the sandbox identity provider gave no token: ${body.error ?? response.statusCode}`));
        });
      },
    );
    call.on("error", (error) => reject(new InputError(`cannot reach the sandbox identity provider: ${error.message}`)));
    call.end(form.toString());
  });
}
