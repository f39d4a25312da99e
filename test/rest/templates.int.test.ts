import { beforeAll, describe, expect, it } from "vitest";
import * as templates from "../../app/api/v1/templates/route";
import * as template from "../../app/api/v1/templates/[id]/route";
import * as versions from "../../app/api/v1/templates/[id]/versions/route";
import * as applications from "../../app/api/v1/templates/[id]/applications/route";
import * as following from "../../app/api/v1/apis/[id]/template/route";
import { callRoute } from "../support/call-route";
import { apiIdOf, profiles } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
let [pipeline, reader] = ["", ""];
let apiIds: string[] = [];

beforeAll(async () => {
  [pipeline, reader] = await Promise.all([sandbox.tokens.automation(), sandbox.tokens.user("reader")]);
  const names = await sandbox.controls.seedApis(2, { prefix: "rest-tpl", withPolicy: false });
  apiIds = [];
  for (const name of names) apiIds.push(await apiIdOf(admin, sandbox.instance.id, name));
});

const one = (id: string, suffix = "") => ({ path: `/templates/${id}${suffix}`, params: { id } });
const onApi = (id: string) => ({ path: `/apis/${id}/template`, params: { id } });
type Summary = { id: string; name: string; latestVersion: number; followers: number };

describe("REST: profile templates", () => {
  it("creates (201), reads with an ETag, follows, publishes a version with its change set, and refuses deleting while followed", async () => {
    const created = await callRoute(templates.POST, {
      path: "/templates",
      token: pipeline,
      body: { name: "rest-template", description: "Keys in the header", profile: profiles.headerKey() },
    });
    expect(created.status).toBe(201);
    const { id } = created.body as Summary;
    expect(created.headers.get("location")).toBe(`/api/v1/templates/${id}`);
    expect((await callRoute(templates.GET, { path: "/templates", token: reader })).body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, name: "rest-template", latestVersion: 1 })]),
    );
    const read = await callRoute(template.GET, { ...one(id), token: reader });
    expect(read.status).toBe(200);
    expect(read.headers.get("etag")).toBe('"v1"');

    const followed = await callRoute(following.PUT, {
      ...onApi(apiIds[0]!),
      method: "PUT",
      token: pipeline,
      body: { templateId: id },
    });
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({
      template: { id, name: "rest-template" },
      profile: { version: 1, template: { id, name: "rest-template", version: 1 } },
    });
    const applied = await callRoute(applications.POST, {
      ...one(id, "/applications"),
      token: pipeline,
      body: { apiIds: [apiIds[1]] },
    });
    expect(applied.status).toBe(201);
    const application = applied.body as { changeSets: Array<{ id: string; items: Array<{ apiId: string }> }> };
    expect(application.changeSets.map((set) => set.items.map((item) => item.apiId))).toEqual([[apiIds[1]]]);
    expect(applied.headers.get("location")).toBe(`/api/v1/change-sets/${application.changeSets[0]!.id}`);

    const published = await callRoute(versions.POST, {
      ...one(id, "/versions"),
      token: pipeline,
      headers: { "if-match": read.headers.get("etag")! },
      body: { profile: profiles.headerKey("22222222-2222-3333-4444-555555555555") },
    });
    expect(published.status).toBe(201);
    const body = published.body as {
      version: { version: number };
      changeSets: Array<{ id: string; items: unknown[] }>;
    };
    expect(body.version.version).toBe(2);
    expect(body.changeSets).toHaveLength(1);
    expect(body.changeSets[0]!.items).toEqual(
      apiIds.map((apiId) => expect.objectContaining({ apiId, status: "planned" })),
    );

    const refused = await callRoute(template.DELETE, { ...one(id), method: "DELETE", token: pipeline });
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect((refused.body as { detail: string }).detail).toContain("rest-tpl-1");

    for (const apiId of apiIds)
      expect((await callRoute(following.DELETE, { ...onApi(apiId), method: "DELETE", token: pipeline })).body).toEqual({
        apiId,
        template: null,
        profile: null,
      });
    const deleted = await callRoute(template.DELETE, { ...one(id), method: "DELETE", token: pipeline });
    expect(deleted.status).toBe(200);
    expect((await callRoute(template.GET, { ...one(id), token: reader })).status).toBe(404);
  });

  it("refuses a reader every change (403) and a bad body naming its fields (400)", async () => {
    const forbidden = await callRoute(templates.POST, {
      path: "/templates",
      token: reader,
      body: { name: "by-reader", profile: profiles.headerKey() },
    });
    expect(forbidden.status).toBe(403);
    const bad = await callRoute(templates.POST, {
      path: "/templates",
      token: pipeline,
      body: { name: "", profile: { backendAuth: { mode: "none" } } },
    });
    expect(bad.status).toBe(400);
    const paths = (bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(["name", "profile.callerAuth"]));
  });
});
