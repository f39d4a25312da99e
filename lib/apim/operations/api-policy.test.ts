import { describe, expect, it } from "vitest";
import { fakeArm } from "../../../test/support/apim/fake-arm";

const stored = { name: "policy", properties: { format: "xml", value: "<policies>\r\n  <inbound />\r\n</policies>" } };

describe("API policy operations", () => {
  it("reads the policy as format=xml with its ETag, and null when the API has none", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.includes("/apis/with/")
        ? { status: 200, headers: { etag: '"p1"' }, body: stored }
        : { status: 404 },
    );
    const client = arm.client();
    expect((await client.getApiPolicy("with")).value).toEqual({ xml: stored.properties.value, etag: '"p1"' });
    expect(arm.requests[0]?.url.searchParams.get("format")).toBe("xml");
    expect(arm.requests[0]?.url.pathname).toMatch(/\/apis\/with\/policies\/policy$/);
    expect((await client.getApiPolicy("without")).value).toBeNull();
  });

  it("reads only the ETag with HEAD", async () => {
    const arm = fakeArm(() => ({ status: 200, headers: { etag: '"p2"' } }));
    expect((await arm.client().getApiPolicyEtag("with")).value).toBe('"p2"');
    expect(arm.requests[0]?.method).toBe("HEAD");
  });

  it("updates with exactly the ETag that was read, and creates without If-Match", async () => {
    const arm = fakeArm(() => ({ status: 200, headers: { etag: '"p3"' }, body: stored }));
    const client = arm.client();
    const { value, trace } = await client.putApiPolicy("api", "<policies><inbound /></policies>", { etag: '"p1"' });
    await client.putApiPolicy("api", "<policies />", "absent");
    expect(arm.requests.map((request) => [request.method, request.headers["if-match"]])).toEqual([
      ["PUT", '"p1"'],
      ["PUT", undefined],
    ]);
    expect(JSON.parse(arm.requests[0]?.body ?? "")).toEqual({
      properties: { value: "<policies><inbound /></policies>", format: "xml" },
    });
    expect(value).toEqual({ xml: stored.properties.value, etag: '"p3"' });
    expect(trace).toMatchObject({ status: 200, etag: '"p3"' });
  });

  it("deletes with If-Match", async () => {
    const arm = fakeArm(() => ({ status: 200 }));
    await arm.client().deleteApiPolicy("api", { etag: '"p1"' });
    expect(arm.requests.map((request) => [request.method, request.headers["if-match"]])).toEqual([["DELETE", '"p1"']]);
  });

  it("refuses `*` or an empty ETag without sending anything", async () => {
    const arm = fakeArm(() => ({ status: 200 }));
    const client = arm.client();
    await expect(client.putApiPolicy("api", "<policies />", { etag: "*" })).rejects.toThrow(
      /must be the ETag that was read/,
    );
    await expect(client.deleteApiPolicy("api", { etag: " " })).rejects.toThrow(/must be the ETag that was read/);
    expect(arm.requests).toHaveLength(0);
  });
});
