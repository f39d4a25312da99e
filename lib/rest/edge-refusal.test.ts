import { describe, expect, it } from "vitest";
import { edgeRefusal } from "./edge-refusal";

const id = "00000000-0000-4000-8000-000000000000";

describe("requests refused before any route runs", () => {
  it.each(["%C0%AE%C0%AE", "%FF%FE", "%E0%A4%A", "%"])(
    "a path segment %s that does not decode: 400 naming the path",
    (bad) => {
      for (const path of [`/api/v1/apis/${bad}`, `/api/v1/plans/${bad}/apply`, `/apis/${bad}`]) {
        const refusal = edgeRefusal("GET", path);
        expect(refusal?.error).toMatchObject({ code: "bad_request", fields: [{ path: "path" }] });
      }
    },
  );

  it("lets through what the routes serve, including encoded characters that decode", () => {
    for (const [method, path] of [
      ["GET", "/api/v1/apis"],
      ["HEAD", `/api/v1/apis/${id}`],
      ["OPTIONS", "/api/v1/instances"],
      ["POST", "/api/v1/instances"],
      ["PUT", `/api/v1/apis/${id}/access-profile`],
      ["POST", `/api/v1/plans/${id}/apply`],
      ["GET", "/api/v1/openapi.json"],
      ["GET", "/apis/%E2%9C%93"],
      ["POST", "/instances"],
      ["GET", "/api/health"],
    ]) {
      expect(edgeRefusal(method!, path!), `${method} ${path}`).toBeUndefined();
    }
  });

  it("answers 405 with Allow for a method the route does not serve", () => {
    expect(edgeRefusal("TRACE", "/api/v1/apis")).toMatchObject({
      error: { code: "method_not_allowed" },
      allow: "GET, HEAD, OPTIONS",
    });
    expect(edgeRefusal("GET", `/api/v1/plans/${id}/apply`)?.allow).toBe("OPTIONS, POST");
    expect(edgeRefusal("DELETE", "/api/v1/instances")?.allow).toBe("GET, HEAD, OPTIONS, POST");
    expect(edgeRefusal("TRACE", "/signin")?.allow).toBe("GET, HEAD, POST");
  });

  it("answers 404 for a path under /api/v1 that no operation has", () => {
    for (const path of ["/api/v1", "/api/v1/nope", `/api/v1/apis/${id}/nope`, "/api/v1/apis/a/b/c"]) {
      expect(edgeRefusal("GET", path)?.error, path).toMatchObject({ code: "not_found" });
    }
  });
});
