import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../../test/support/apim/app-error";
import { fakeArm, servicePath } from "../../../test/support/apim/fake-arm";

const api = (name: string) => ({
  name,
  properties: {
    displayName: name.toUpperCase(),
    path: name,
    serviceUrl: `https://${name}.example`,
    isCurrent: true,
    apiRevision: "1",
    type: "http",
  },
});

describe("listApis", () => {
  it("follows nextLink verbatim across pages and stops at an empty one", async () => {
    const next = (skip: number) => `https://arm.test:443${servicePath}/apis?api-version=2024-05-01&%24skip=${skip}`;
    const arm = fakeArm((request) => {
      const skip = request.url.searchParams.get("$skip");
      if (skip === null) return { status: 200, body: { value: [api("a"), api("b")], count: 5, nextLink: next(2) } };
      if (skip === "2") return { status: 200, body: { value: [api("c"), api("d")], count: 5, nextLink: next(4) } };
      return { status: 200, body: { value: [api("e")], count: 5, nextLink: "" } };
    });
    const { value, trace } = await arm.client().listApis();
    expect(value.map((entry) => entry.name)).toEqual(["a", "b", "c", "d", "e"]);
    expect(value[0]).toEqual({
      name: "a",
      displayName: "A",
      path: "a",
      serviceUrl: "https://a.example",
      apiRevision: "1",
      isCurrent: true,
      apiVersion: null,
      apiType: "http",
      subscriptionRequired: null,
      subscriptionKeyHeader: "Ocp-Apim-Subscription-Key",
    });
    expect(arm.requests).toHaveLength(3);
    expect(trace.requestIds).toEqual(["req-1", "req-2", "req-3"]);
  });

  it("refuses to follow a nextLink to another host, before sending anything there", async () => {
    const arm = fakeArm(() => ({ status: 200, body: { value: [api("a")], nextLink: "https://evil.example/steal" } }));
    const error = await appErrorOf(arm.client().listApis());
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(
      /pointed to https:\/\/evil.example, outside the instance's ARM endpoint https:\/\/arm.test/,
    );
    expect(arm.requests.map((request) => request.url.host)).toEqual(["arm.test"]);
  });
});

describe("getApi", () => {
  it("returns the API with its ETag, or null when it does not exist", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/apis/there")
        ? { status: 200, headers: { etag: '"e1"' }, body: api("there") }
        : { status: 404 },
    );
    const client = arm.client();
    expect((await client.getApi("there")).value).toMatchObject({ name: "there", etag: '"e1"' });
    expect((await client.getApi("missing")).value).toBeNull();
  });
});
