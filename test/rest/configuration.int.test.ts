import { beforeAll, describe, expect, it } from "vitest";
import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as versions from "../../app/api/v1/apis/[id]/access-profile/versions/route";
import * as api from "../../app/api/v1/apis/[id]/route";
import * as apis from "../../app/api/v1/apis/route";
import * as sync from "../../app/api/v1/instances/[id]/sync/route";
import * as instance from "../../app/api/v1/instances/[id]/route";
import * as instances from "../../app/api/v1/instances/route";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();
const profile = {
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: {
    mode: "entra",
    tenantId: "contoso.onmicrosoft.com",
    clientApplicationIds: ["11111111-2222-3333-4444-555555555555"],
  },
};

let admin = "";
let reader = "";
let reviewer = "";
beforeAll(async () => {
  admin = await sandbox.tokens.automation();
  reader = await sandbox.tokens.user("reader");
  reviewer = await sandbox.tokens.user("reviewer");
});

async function openAiApiId(): Promise<string> {
  const page = await callRoute(apis.GET, { path: "/apis?search=openai", token: reader });
  return (page.body as { items: Array<{ id: string; apimName: string }> }).items.find(
    (a) => a.apimName === "azure-openai",
  )!.id;
}

describe("REST: instances, APIs and access profiles", () => {
  it("lists instances and syncs one; readers and reviewers get 403 on the sync", async () => {
    const list = await callRoute(instances.GET, { path: "/instances", token: reader });
    expect(list.body).toMatchObject({ items: [{ id: sandbox.instance.id, name: "sandbox" }], nextCursor: null });
    const one = await callRoute(instance.GET, {
      path: `/instances/${sandbox.instance.id}`,
      token: reader,
      params: { id: sandbox.instance.id },
    });
    expect(one.body).toMatchObject({ id: sandbox.instance.id, serviceName: sandbox.coordinates.serviceName });

    for (const token of [reader, reviewer]) {
      const denied = await callRoute(sync.POST, {
        path: `/instances/${sandbox.instance.id}/sync`,
        method: "POST",
        token,
        params: { id: sandbox.instance.id },
      });
      expect(denied.status).toBe(403);
    }
    const synced = await callRoute(sync.POST, {
      path: `/instances/${sandbox.instance.id}/sync`,
      method: "POST",
      token: admin,
      params: { id: sandbox.instance.id },
    });
    expect(synced.status).toBe(200);
    expect(synced.body).toMatchObject({ added: 4, total: 4 });
  });

  it("registers an instance (201 + Location), naming bad fields in problem+json", async () => {
    const bad = await callRoute(instances.POST, {
      path: "/instances",
      token: admin,
      body: { name: "x", subscriptionId: "nope", resourceGroup: "rg", serviceName: "-bad" },
    });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual([
      "subscriptionId",
      "serviceName",
    ]);

    const created = await callRoute(instances.POST, {
      path: "/instances",
      token: admin,
      body: {
        name: "prod-weu",
        subscriptionId: "11111111-1111-1111-1111-111111111111",
        resourceGroup: "rg-llm",
        serviceName: "apim-prod",
      },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe(`/api/v1/instances/${(created.body as { id: string }).id}`);
    expect(created.body).toMatchObject({ armEndpoint: "https://management.azure.com", tier: "Developer" });
  });

  it("reads APIs with cursor pages and one by id; 404 problem for an unknown id; 400 for a malformed one", async () => {
    const first = await callRoute(apis.GET, { path: "/apis?limit=3", token: reader });
    const body = first.body as { items: unknown[]; nextCursor: string };
    expect(body.items).toHaveLength(3);
    const second = await callRoute(apis.GET, { path: `/apis?limit=3&cursor=${body.nextCursor}`, token: reader });
    expect((second.body as { items: unknown[] }).items).toHaveLength(1);

    const id = await openAiApiId();
    expect((await callRoute(api.GET, { path: `/apis/${id}`, token: reader, params: { id } })).body).toMatchObject({
      apimName: "azure-openai",
    });
    // LIKE's wildcards are searched for as they are: no seeded API has % or _ in its names or path.
    for (const search of ["%25", "_", "azure%25openai", "azure_openai"]) {
      const found = await callRoute(apis.GET, { path: `/apis?search=${search}`, token: reader });
      expect((found.body as { items: unknown[] }).items, search).toEqual([]);
    }
    const missing = await callRoute(api.GET, {
      path: "/apis/x",
      token: reader,
      params: { id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(missing.status).toBe(404);
    const malformed = await callRoute(api.GET, { path: "/apis/x", token: reader, params: { id: "not-a-guid" } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ errors: [{ path: "path.id" }] });
  });

  it("saves access profile versions with ETags: 201 first, 428 without If-Match, 412 when stale", async () => {
    const id = await openAiApiId();
    const put = (ifMatch?: string, body: unknown = profile, token = admin) =>
      callRoute(accessProfile.PUT, {
        path: `/apis/${id}/access-profile`,
        method: "PUT",
        token,
        params: { id },
        body,
        headers: ifMatch ? { "if-match": ifMatch } : {},
      });

    expect(
      (await callRoute(accessProfile.GET, { path: `/apis/${id}/access-profile`, token: reader, params: { id } }))
        .status,
    ).toBe(404);
    expect((await put(undefined, profile, reader)).status).toBe(403);
    const first = await put();
    expect(first.status).toBe(201);
    expect(first.headers.get("etag")).toBe('"v1"');

    expect((await put()).status).toBe(428);
    const second = await put('"v1"', { ...profile, callerAuth: { mode: "none" } });
    expect(second.status).toBe(200);
    expect(second.headers.get("etag")).toBe('"v2"');
    const stale = await put('"v1"');
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "precondition_failed" });

    const current = await callRoute(accessProfile.GET, {
      path: `/apis/${id}/access-profile`,
      token: reader,
      params: { id },
    });
    expect(current.headers.get("etag")).toBe('"v2"');
    const all = await callRoute(versions.GET, {
      path: `/apis/${id}/access-profile/versions`,
      token: reviewer,
      params: { id },
    });
    expect((all.body as { items: Array<{ version: number }> }).items.map((v) => v.version)).toEqual([2, 1]);
  });

  it("takes over the hand-written policy only with ?adopt=true, and names a bad value", async () => {
    const id = await openAiApiId();
    const put = (query: string, ifMatch: string) =>
      callRoute(accessProfile.PUT, {
        path: `/apis/${id}/access-profile${query}`,
        method: "PUT",
        token: admin,
        params: { id },
        body: profile,
        headers: { "if-match": ifMatch },
      });
    const current = await callRoute(accessProfile.GET, {
      path: `/apis/${id}/access-profile`,
      token: reader,
      params: { id },
    });
    const etag = current.headers.get("etag")!;

    const bad = await put("?adopt=yes", etag);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ errors: [{ path: "query.adopt", message: "must be true or false" }] });
    const adopting = await put("?adopt=true", etag);
    expect(adopting).toMatchObject({ status: 200, body: { adoptsHandWritten: true } });
    const plain = await put("", adopting.headers.get("etag")!);
    expect(plain).toMatchObject({ status: 200, body: { adoptsHandWritten: false } });
    const event = await sandbox.db.prisma.auditEvent.findFirst({
      where: { action: "profile.save", targetId: id },
      orderBy: { seq: "desc" },
      skip: 1,
    });
    expect(event?.after).toMatchObject({ adoptsHandWritten: true });
  });

  it("refuses an invalid profile with every bad field named", async () => {
    const id = await openAiApiId();
    const bad = {
      backendAuth: { mode: "apiKey", namedValue: "has space", headerName: "api key", delivery: "setHeader" },
      callerAuth: { mode: "jwt", openIdConfigUrl: "http://insecure", issuers: [], audiences: [] },
    };

    const response = await callRoute(accessProfile.PUT, {
      path: `/apis/${id}/access-profile`,
      method: "PUT",
      token: admin,
      params: { id },
      body: bad,
      headers: { "if-match": '"v2"' },
    });

    expect(response.status).toBe(400);
    const paths = (response.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "backendAuth.namedValue",
        "backendAuth.headerName",
        "callerAuth.openIdConfigUrl",
        "callerAuth.issuers",
        "callerAuth.audiences",
      ]),
    );
  });

  it("refuses a body that is not JSON", async () => {
    const id = await openAiApiId();
    const request = new Request(`http://localhost/api/v1/apis/${id}/access-profile`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: "{oops",
    });
    const response = await accessProfile.PUT(request, { params: Promise.resolve({ id }) });
    expect(response.status).toBe(400);
  });
});
