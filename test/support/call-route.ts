/**
 * Calls a Next.js route handler in-process as the server would: a real Request and the
 * dynamic segments as a promise. REST tests exercise the whole entry point (bearer token,
 * permission, parsing, problem+json) without starting a web server.
 */
type RouteHandler = (request: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteCall {
  path: string;
  token?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  body?: unknown;
  method?: string;
}

export async function callRoute(
  handler: RouteHandler,
  call: RouteCall,
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers = new Headers(call.headers);
  if (call.token) headers.set("authorization", `Bearer ${call.token}`);
  if (call.body !== undefined) headers.set("content-type", "application/json");
  const request = new Request(`http://localhost:3999/api/v1${call.path}`, {
    method: call.method ?? (call.body === undefined ? "GET" : "POST"),
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });
  const response = await handler(request, { params: Promise.resolve(call.params ?? {}) });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  return {
    status: response.status,
    headers: response.headers,
    body: /json/.test(type) && text ? (JSON.parse(text) as unknown) : text,
  };
}
