import { operations } from "../../lib/rest/operations";
import { expect, test } from "../support/test";
import { clientCredentialsToken } from "../support/sandbox";

/**
 * What Next.js would answer before any route handler runs — a path id that is not valid
 * percent-encoded UTF-8, a method no route serves, a path no route has — answered like every
 * other REST error: problem+json.
 */
let token = "";
test.beforeAll(async () => {
  token = await clientCredentialsToken();
});

const withIds = Object.values(operations).filter((operation) => operation.path.includes("{"));

for (const malformed of ["%C0%AE%C0%AE", "%FF%FE", "%E0%A4%A"]) {
  test(`a path id of ${malformed} answers 400 problem+json on every REST route`, async ({ request }) => {
    for (const operation of withIds) {
      const path = `/api/v1${operation.path.replace(/\{\w+\}/g, malformed)}`;
      const response = await request.fetch(path, {
        method: operation.method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        data: operation.body ? {} : undefined,
      });
      expect(response.status(), `${operation.method} ${path}`).toBe(400);
      expect(response.headers()["content-type"], path).toBe("application/problem+json");
      expect(await response.json(), path).toMatchObject({
        status: 400,
        code: "bad_request",
        errors: [{ path: "path" }],
      });
    }
  });
}

test("TRACE and other methods no route serves answer 405 problem+json with Allow", async ({ request }) => {
  for (const [method, path, allow] of [
    ["TRACE", "/api/v1/apis", "GET, HEAD, OPTIONS"],
    ["PATCH", "/api/v1/apis", "GET, HEAD, OPTIONS"],
    ["DELETE", "/api/v1/instances", "GET, HEAD, OPTIONS, POST"],
    ["TRACE", "/api/v1/plans/00000000-0000-4000-8000-000000000000/apply", "OPTIONS, POST"],
    ["TRACE", "/signin", "GET, HEAD, POST"],
    ["TRACE", "/", "GET, HEAD, POST"],
  ] as const) {
    const response = await request.fetch(path, { method, headers: { authorization: `Bearer ${token}` } });
    expect(response.status(), `${method} ${path}`).toBe(405);
    expect(response.headers()["allow"], path).toBe(allow);
    expect(response.headers()["content-type"], path).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({ status: 405, code: "method_not_allowed" });
  }
});

test("a path under /api/v1 that no route has answers 404 problem+json", async ({ request }) => {
  for (const path of ["/api/v1/nope", "/api/v1/apis/00000000-0000-4000-8000-000000000000/nope"]) {
    const response = await request.get(path, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status(), path).toBe(404);
    expect(response.headers()["content-type"], path).toBe("application/problem+json");
  }
});

test("a JSON body over 1 MiB answers 413 problem+json", async ({ request }) => {
  const response = await request.post("/api/v1/instances", {
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    data: JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
  });
  expect(response.status()).toBe(413);
  expect(response.headers()["content-type"]).toBe("application/problem+json");
  expect(await response.json()).toMatchObject({ status: 413, code: "payload_too_large" });
});
