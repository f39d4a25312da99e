import { describe, expect, it } from "vitest";
import { fakeArm, servicePath } from "../../test/support/apim/fake-arm";
import { withSharedReads } from "./shared-reads";

const policy = (xml: string) => ({ name: "policy", properties: { format: "xml", value: xml } });

describe("withSharedReads", () => {
  it("sends one request for the API's policy however it is asked for, and one for the named values", async () => {
    const arm = fakeArm((request) =>
      request.url.pathname.endsWith("/namedValues")
        ? { status: 200, body: { value: [] } }
        : { status: 200, headers: { etag: '"p1"' }, body: policy(`<policies>${request.url.pathname}</policies>`) },
    );
    const apim = withSharedReads(arm.client());
    const [asApi, asScope, values, againValues] = await Promise.all([
      apim.getApiPolicy("azure-openai"),
      apim.getScopePolicy({ kind: "api", apiName: "azure-openai" }),
      apim.listNamedValues(),
      apim.listNamedValues(),
    ]);
    expect(asScope.value).toEqual(asApi.value);
    expect(againValues.value).toEqual(values.value);
    expect(arm.requests.map((request) => request.url.pathname.slice(servicePath.length)).sort()).toEqual([
      "/apis/azure-openai/policies/policy",
      "/namedValues",
    ]);
  });

  it("reads other scopes' policies each on their own, and a new piece of work reads again", async () => {
    const arm = fakeArm(() => ({ status: 200, headers: { etag: '"p1"' }, body: policy("<policies />") }));
    const client = arm.client();
    const apim = withSharedReads(client);
    await apim.getScopePolicy({ kind: "service" });
    await apim.getApiPolicy("a");
    await apim.getApiPolicy("b");
    await withSharedReads(client).getApiPolicy("a");
    expect(arm.requests.map((request) => request.url.pathname.slice(servicePath.length))).toEqual([
      "/policies/policy",
      "/apis/a/policies/policy",
      "/apis/b/policies/policy",
      "/apis/a/policies/policy",
    ]);
  });
});
