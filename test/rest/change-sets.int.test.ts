import { changeInstanceSettings } from "../support/instance-settings";
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as changeSets from "../../app/api/v1/change-sets/route";
import * as changeSet from "../../app/api/v1/change-sets/[id]/route";
import * as apply from "../../app/api/v1/change-sets/[id]/apply/route";
import * as approvals from "../../app/api/v1/change-sets/[id]/approvals/route";
import * as cancel from "../../app/api/v1/change-sets/[id]/cancel/route";
import * as awaiting from "../../app/api/v1/change-sets/awaiting-approval/route";
import type { ChangeSetAwaitingApproval, ChangeSetView } from "../../lib/change-sets/schemas";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import { callRoute } from "../support/call-route";
import { apiIdOf, profiles, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const CLIENT = "77777777-2222-3333-4444-555555555555";
let pipeline = "";
let person = "";
let reader = "";
let apiIds: string[] = [];

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  person = await sandbox.tokens.user("admin", { oid: randomUUID(), name: "Second Admin" });
  reader = await sandbox.tokens.user("reader");
  const names = await sandbox.controls.seedApis(3, { prefix: "rest-set", withPolicy: false });
  apiIds = [];
  for (const name of names) apiIds.push(await apiIdOf(admin, sandbox.instance.id, name));
  for (const id of apiIds) await saveProfile(admin, id, profiles.headerKey());
});

const create = (token: string, body: unknown) =>
  callRoute(changeSets.POST, { path: "/change-sets", method: "POST", token, body });
const get = (token: string, id: string) =>
  callRoute(changeSet.GET, { path: `/change-sets/${id}`, token, params: { id } });
const post = (handler: typeof apply.POST, what: string, token: string, id: string, body?: unknown) =>
  callRoute(handler, { path: `/change-sets/${id}/${what}`, method: "POST", token, body, params: { id } });

/** Polls the change set as a client would until it is no longer applying. */
async function settled(id: string): Promise<ChangeSetView> {
  for (;;) {
    const view = (await get(pipeline, id)).body as ChangeSetView;
    if (view.status !== "applying" && view.status !== "cancelling") return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("REST: change sets", () => {
  it("POST /change-sets plans the change for each API; apply answers 202 and GET shows each API's outcome", async () => {
    const created = await create(pipeline, {
      apiIds,
      change: { op: "addClientApplication", clientApplicationId: CLIENT },
    });
    expect(created.status).toBe(201);
    const set = created.body as ChangeSetView;
    expect(created.headers.get("location")).toBe(`/api/v1/change-sets/${set.id}`);
    expect(set.items.map((item) => item.status)).toEqual(["planned", "planned", "planned"]);
    expect(set.items[0]!.summary).not.toBe("");

    const listed = await callRoute(changeSets.GET, { path: "/change-sets", token: reader });
    expect(listed.status).toBe(200);
    expect((listed.body as { items: Array<{ id: string; apis: number }> }).items[0]).toMatchObject({
      id: set.id,
      apis: 3,
    });

    const started = await post(apply.POST, "apply", pipeline, set.id);
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/api/v1/change-sets/${set.id}`);
    const done = await settled(set.id);
    expect(done.status).toBe("finished");
    expect(done.progress).toMatchObject({ total: 3, done: 3, counts: { succeeded: 3 } });
    expect(done.items.every((item) => item.deploymentId !== null && item.error === null)).toBe(true);

    const again = await post(apply.POST, "apply", pipeline, set.id);
    expect(again.status).toBe(409);
    const notApplying = await post(cancel.POST, "cancel", pipeline, set.id);
    expect(notApplying.status).toBe(409);
  });

  it("refuses bad input naming the field, readers' writes, and unknown sets", async () => {
    const bad = await create(pipeline, { apiIds: [apiIds[0], apiIds[0]], change: { op: "setTenant", tenantId: "x" } });
    expect(bad.status).toBe(400);
    const fields = (bad.body as { errors: Array<{ path: string }> }).errors.map((field) => field.path);
    expect(fields).toEqual(expect.arrayContaining(["apiIds[1]", "change.tenantId"]));
    const denied = await create(reader, {
      apiIds,
      change: { op: "addClientApplication", clientApplicationId: CLIENT },
    });
    expect(denied.status).toBe(403);
    const missing = await get(reader, randomUUID());
    expect(missing.status).toBe(404);
  });

  it("needs approval where an instance requires it: 409 approval-required, the author's own refused, another admin's counts", async () => {
    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    try {
      const set = (await create(pipeline, { apiIds, change: { op: "addAudience", audience: "api://rest-set" } }))
        .body as ChangeSetView;
      expect(set.approval).toMatchObject({ required: 1, status: "waiting" });
      const waiting = async () =>
        (await callRoute(awaiting.GET, { path: "/change-sets/awaiting-approval", token: reader })).body as {
          items: ChangeSetAwaitingApproval[];
        };
      expect((await waiting()).items).toMatchObject([
        { id: set.id, hash: set.hash, apis: 3, ownSet: false, approval: { required: 1, approvedBy: 0 } },
      ]);
      const refused = await post(apply.POST, "apply", pipeline, set.id);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: "approval-required" });
      const own = await post(approvals.POST, "approvals", pipeline, set.id, {});
      expect(own.status).toBe(403);
      const approved = await post(approvals.POST, "approvals", person, set.id, { setHash: set.hash });
      expect(approved.status).toBe(201);
      expect((approved.body as ChangeSetView).approval.status).toBe("approved");
      expect((await waiting()).items).toEqual([]);
      expect((await post(apply.POST, "apply", pipeline, set.id)).status).toBe(202);
      expect((await settled(set.id)).progress.counts).toEqual({ succeeded: 3 });
    } finally {
      await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null });
    }
  });

  it("a set over the same APIs supersedes the older: listed in `supersedes`, GET says `superseded`, approve and apply answer 409 naming it", async () => {
    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    try {
      const change = (audience: string) => ({ apiIds, change: { op: "addAudience", audience } });
      const older = (await create(pipeline, change("api://rest-older"))).body as ChangeSetView;
      const newer = (await create(pipeline, change("api://rest-newer"))).body as ChangeSetView;
      expect(newer.supersedes).toEqual([{ id: older.id, title: older.title }]);
      const read = (await get(reader, older.id)).body as ChangeSetView;
      expect(read).toMatchObject({ status: "superseded", supersededBy: { id: newer.id, title: newer.title } });
      const waiting = (await callRoute(awaiting.GET, { path: "/change-sets/awaiting-approval", token: reader }))
        .body as { items: ChangeSetAwaitingApproval[] };
      expect(waiting.items.map((item) => [item.id, item.supersedes])).toEqual([
        [newer.id, [{ id: older.id, title: older.title }]],
      ]);
      for (const refused of [
        await post(approvals.POST, "approvals", person, older.id, {}),
        await post(apply.POST, "apply", pipeline, older.id),
      ]) {
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: "superseded", supersededBy: { id: newer.id, title: newer.title } });
      }
    } finally {
      await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null });
    }
  });

  it("lists every change set a page at a time, newest first, however many there are", async () => {
    const list = async (query: string) =>
      (await callRoute(changeSets.GET, { path: `/change-sets?${query}`, token: reader })).body as {
        items: Array<{ id: string; createdAt: string }>;
        nextCursor: string | null;
      };
    const all = (await list("limit=200")).items;
    expect(all.length).toBeGreaterThanOrEqual(3);
    const times = all.map((set) => set.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    const followed: string[] = [];
    let page = await list("limit=1");
    for (;;) {
      followed.push(...page.items.map((set) => set.id));
      if (page.nextCursor === null) break;
      page = await list(`limit=1&cursor=${page.nextCursor}`);
    }
    expect(followed).toEqual(all.map((set) => set.id));
    const stale = await callRoute(changeSets.GET, { path: "/change-sets?cursor=garbage", token: reader });
    expect(stale).toMatchObject({ status: 400, body: { errors: [{ path: "query.cursor" }] } });
  });
});
