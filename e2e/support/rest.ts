import type { APIRequestContext } from "@playwright/test";
import { clientCredentialsToken } from "./sandbox";

/** Calls /api/v1 as the automation client (an administrator); throws on any answer but 2xx. */
export async function restCall(
  request: APIRequestContext,
  method: string,
  url: string,
  init: { data?: unknown; headers?: Record<string, string> } = {},
): Promise<{ body: Record<string, unknown>; etag?: string }> {
  const authorization = `Bearer ${await clientCredentialsToken()}`;
  const response = await request.fetch(`/api/v1${url}`, {
    method,
    data: init.data,
    headers: { authorization, ...init.headers },
  });
  if (!response.ok()) throw new Error(`${method} ${url}: ${response.status()} ${await response.text()}`);
  return { body: (await response.json()) as Record<string, unknown>, etag: response.headers()["etag"] };
}

/** The sandbox instance's id, after a sync (idempotent) so its APIs are listed. */
export async function syncedSandboxInstance(request: APIRequestContext): Promise<string> {
  const instances = (await restCall(request, "GET", "/instances")).body.items as Array<{ id: string; name: string }>;
  const instance = instances.find((i) => i.name === "sandbox")!.id;
  await restCall(request, "POST", `/instances/${instance}/sync`);
  return instance;
}

/**
 * Saves a new access profile version on the API with this ARM name (letting in a caller
 * application no earlier version did, so there is always something to apply) and returns the
 * API's id.
 */
export async function saveNewProfile(request: APIRequestContext, apimName: string): Promise<string> {
  const instance = await syncedSandboxInstance(request);
  const apis = (await restCall(request, "GET", `/apis?instanceId=${instance}&search=${apimName}`)).body.items as Array<{
    id: string;
    apimName: string;
  }>;
  const api = apis.find((a) => a.apimName === apimName)!.id;
  const current = await request.get(`/api/v1/apis/${api}/access-profile`, {
    headers: { authorization: `Bearer ${await clientCredentialsToken()}` },
  });
  await restCall(request, "PUT", `/apis/${api}/access-profile`, {
    headers: current.ok() ? { "if-match": current.headers()["etag"]! } : {},
    data: {
      backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
      callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [crypto.randomUUID()] },
    },
  });
  return api;
}
