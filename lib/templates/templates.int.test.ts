import { beforeAll, describe, expect, it } from "vitest";
import { getChangeSet } from "../change-sets/get-change-set";
import { startChangeSetApply } from "../change-sets/start-change-set-apply";
import { putEnvironmentVariables } from "../environments/put-environment-variables";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { getApi } from "../apis/get-api";
import { MAX_CHANGE_SET_APIS } from "../change-sets/schemas";
import { syncInstance } from "../instances/sync-instance";
import { getAccessProfile } from "../profiles/get-access-profile";
import { saveAccessProfile } from "../profiles/save-access-profile";
import { apiIdOf, profiles, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { whileWriteRefused } from "../../test/support/refused-write";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { applyTemplate } from "./apply-template";
import { createTemplate } from "./create-template";
import { deleteTemplate } from "./delete-template";
import { followTemplate } from "./follow-template";
import { getTemplate } from "./get-template";
import { listTemplates } from "./list-templates";
import { publishTemplateVersion } from "./publish-template-version";
import { unfollowTemplate } from "./unfollow-template";
import { updateTemplate } from "./update-template";

/** Profile templates against the simulator: CRUD, immutable versions, followers and their change sets. */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin", { name: "Template Admin" });
const admin2 = contextFor("admin", { name: "Second Admin" });
const reader = contextFor("reader");
const APP_V1 = "11111111-aaaa-4bbb-8ccc-000000000001";
const APP_V2 = "11111111-aaaa-4bbb-8ccc-000000000002";
let apiIds: string[] = [];

/** An Entra profile letting in `app`, its tenant a variable of the environment. */
const templateProfile = (app: string) => ({
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: [app], audiences: [], requiredClaims: [] },
});

async function failure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; details: Record<string, unknown>; fields: unknown[] };
  }
  throw new Error("expected a refusal");
}

beforeAll(async () => {
  await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { environment: "development" } });
  await putEnvironmentVariables(admin, {
    environment: "development",
    variables: { tenant: "contoso.onmicrosoft.com" },
  });
  const names = await sandbox.controls.seedApis(3, { prefix: "tpl", withPolicy: false });
  apiIds = [];
  for (const name of names) apiIds.push(await apiIdOf(admin, sandbox.instance.id, name));
  // Two have a hand-written profile already; the third has none.
  for (const id of apiIds.slice(0, 2)) await saveProfile(admin, id, profiles.headerKey());
});

/** Runs `attempt` while the database refuses every change of an API's template (a failed follow). */
const withFollowRefused = (attempt: () => Promise<unknown>) =>
  whileWriteRefused(sandbox.db.owner, "UPDATE OF template_id ON apis", attempt);

async function auditActions(targetType: string, targetId: string): Promise<string[]> {
  const rows = await sandbox.db.prisma.auditEvent.findMany({
    where: { targetType, targetId },
    orderBy: { seq: "asc" },
    select: { action: true },
  });
  return rows.map((row) => row.action);
}

describe("profile templates", () => {
  it("are created, listed, read and described; names are unique; every change is audited", async () => {
    const created = await createTemplate(admin, {
      name: "crud-template",
      description: "Chat apps",
      profile: templateProfile(APP_V1),
    });
    expect(created).toMatchObject({ name: "crud-template", description: "Chat apps", latestVersion: 1, followers: 0 });
    expect((await listTemplates(reader)).map((template) => template.name)).toContain("crud-template");
    const read = await getTemplate(reader, { templateId: created.id });
    expect(read.versions).toEqual([
      expect.objectContaining({ version: 1, profile: templateProfile(APP_V1), createdBy: "Template Admin" }),
    ]);

    const taken = await failure(createTemplate(admin, { name: "crud-template", profile: templateProfile(APP_V1) }));
    expect(taken.code).toBe("conflict");
    const bad = await failure(
      createTemplate(admin, {
        name: "bad-template",
        profile: {
          ...templateProfile(APP_V1),
          callerAuth: { mode: "entra", tenantId: "x", clientApplicationIds: ["no"] },
        },
      }),
    );
    expect(bad.code).toBe("bad_request");
    expect(JSON.stringify(bad.fields)).toContain("profile.callerAuth.clientApplicationIds");

    const described = await updateTemplate(admin, { templateId: created.id, update: { description: "Chat apps v2" } });
    expect(described.description).toBe("Chat apps v2");
    await deleteTemplate(admin, { templateId: created.id });
    expect((await failure(getTemplate(admin, { templateId: created.id }))).code).toBe("not_found");
    expect(await auditActions("profile_template", created.id)).toEqual([
      "template.create",
      "template.update",
      "template.delete",
    ]);
  });

  it("refuse readers every change, and let them read", async () => {
    const template = await createTemplate(admin, { name: "reader-template", profile: templateProfile(APP_V1) });
    // Thunks, run one at a time: a call started early would reject unobserved while another is awaited.
    for (const attempt of [
      () => createTemplate(reader, { name: "by-reader", profile: templateProfile(APP_V1) }),
      () => updateTemplate(reader, { templateId: template.id, update: { description: "x" } }),
      () => publishTemplateVersion(reader, { templateId: template.id, version: { profile: templateProfile(APP_V2) } }),
      () => deleteTemplate(reader, { templateId: template.id }),
      () => followTemplate(reader, { apiId: apiIds[0]!, follow: { templateId: template.id } }),
      () => unfollowTemplate(reader, { apiId: apiIds[0]! }),
      () => applyTemplate(reader, { templateId: template.id, apply: { apiIds: [apiIds[0]!] } }),
    ])
      expect((await failure(attempt())).code).toBe("forbidden");
    expect((await getTemplate(reader, { templateId: template.id })).latestVersion).toBe(1);
    expect(await listTemplates(contextFor("none")).catch((error: { code: string }) => error.code)).toBe("forbidden");
    await deleteTemplate(admin, { templateId: template.id });
  });

  it("keep every published version as it was: the database refuses to change one", async () => {
    const template = await createTemplate(admin, { name: "immutable-template", profile: templateProfile(APP_V1) });
    await publishTemplateVersion(admin, { templateId: template.id, version: { profile: templateProfile(APP_V2) } });
    const read = await getTemplate(admin, { templateId: template.id });
    expect(read.versions.map((version) => [version.version, version.profile])).toEqual([
      [2, templateProfile(APP_V2)],
      [1, templateProfile(APP_V1)],
    ]);
    await expect(
      sandbox.db.prisma.profileTemplateVersion.update({
        where: { templateId_version: { templateId: template.id, version: 1 } },
        data: { profile: templateProfile(APP_V2) },
      }),
    ).rejects.toThrow(/immutable/);
    // A publish from a stale version is refused.
    const stale = await failure(
      publishTemplateVersion(admin, {
        templateId: template.id,
        ifMatch: '"v1"',
        version: { profile: templateProfile(APP_V1) },
      }),
    );
    expect(stale.code).toBe("precondition_failed");
    await deleteTemplate(admin, { templateId: template.id });
  });

  it("are followed by APIs; a new version makes one change set, owned by its publisher, planning every follower", async () => {
    const template = await createTemplate(admin, { name: "chat-apps", profile: templateProfile(APP_V1) });

    // Following saves v1 as the API's profile, the variable resolved, recording where it came from.
    const followed = await followTemplate(admin, { apiId: apiIds[0]!, follow: { templateId: template.id } });
    expect(followed.template).toEqual({ id: template.id, name: "chat-apps" });
    const saved = await getAccessProfile(admin, { apiId: apiIds[0]! });
    expect(saved.version).toBe(2);
    expect(saved.template).toEqual({ id: template.id, name: "chat-apps", version: 1 });
    expect(saved.profile.callerAuth).toMatchObject({
      tenantId: "contoso.onmicrosoft.com",
      clientApplicationIds: [APP_V1],
    });
    expect(saved.written?.callerAuth).toMatchObject({ tenantId: "${tenant}" });
    expect((await getApi(reader, { apiId: apiIds[0]! })).template).toEqual({ id: template.id, name: "chat-apps" });
    // Following again saves nothing.
    expect(
      (await followTemplate(admin, { apiId: apiIds[0]!, follow: { templateId: template.id } })).profile,
    ).toBeNull();

    // Applying it to the two others (one without any profile) is a change set that makes them follow.
    const { changeSets } = await applyTemplate(admin, { templateId: template.id, apply: { apiIds: apiIds.slice(1) } });
    expect(changeSets).toHaveLength(1);
    const applied = changeSets[0]!;
    expect(applied.title).toBe("Apply profile template chat-apps v1");
    expect(applied.change).toEqual({ op: "applyTemplate", templateId: template.id, template: "chat-apps", version: 1 });
    expect(applied.items.map((item) => item.status)).toEqual(["planned", "planned"]);

    // Deleting it is refused while they follow, naming them.
    const refused = await failure(deleteTemplate(admin, { templateId: template.id }));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain("tpl-1");
    expect((refused.details.followers as unknown[]).length).toBe(3);

    // v2: one change set for all three followers, owned by the publisher.
    const published = await publishTemplateVersion(admin2, {
      templateId: template.id,
      ifMatch: '"v1"',
      version: { profile: templateProfile(APP_V2) },
    });
    expect(published.version.version).toBe(2);
    expect(published.changeSets).toHaveLength(1);
    const set = published.changeSets[0]!;
    expect(set.createdBy).toBe("Second Admin");
    expect(set.title).toBe("Apply profile template chat-apps v2");
    expect(set.change).toEqual({ op: "applyTemplate", templateId: template.id, template: "chat-apps", version: 2 });
    expect(set.items.map((item) => [item.apiId, item.status]).sort()).toEqual(
      apiIds.map((id) => [id, "planned"]).sort(),
    );
    for (const id of apiIds) {
      const current = await getAccessProfile(admin, { apiId: id });
      expect(current.template).toEqual({ id: template.id, name: "chat-apps", version: 2 });
      expect(current.profile.callerAuth).toMatchObject({ clientApplicationIds: [APP_V2] });
    }
    const read = await getTemplate(reader, { templateId: template.id });
    expect(read.followerApis.map((api) => api.templateVersion)).toEqual([2, 2, 2]);

    // It is applied as any change set (development needs no approval).
    const run = await startChangeSetApply(admin, { changeSetId: set.id });
    await run.run();
    expect((await getChangeSet(admin, { changeSetId: set.id })).progress.counts).toEqual({ succeeded: 3 });

    // An API edited by hand still follows, at no template version, until the next one.
    await saveAccessProfile(admin, {
      apiId: apiIds[2]!,
      profile: profiles.headerKey(),
      ifMatch: (await getAccessProfile(admin, { apiId: apiIds[2]! })).etag,
    });
    expect(
      (await getTemplate(admin, { templateId: template.id })).followerApis.map((api) => api.templateVersion),
    ).toEqual([2, 2, null]);

    // Once none follows, it can be deleted; their profile versions keep saying where they came from.
    for (const id of apiIds) await unfollowTemplate(admin, { apiId: id });
    expect((await getApi(admin, { apiId: apiIds[0]! })).template).toBeNull();
    const noFollowers = await publishTemplateVersion(admin, {
      templateId: template.id,
      version: { profile: templateProfile(APP_V1) },
    });
    expect(noFollowers.changeSets).toEqual([]);
    await deleteTemplate(admin, { templateId: template.id });
    expect((await getAccessProfile(admin, { apiId: apiIds[0]! })).template).toMatchObject({ name: "chat-apps" });

    expect(await auditActions("api", apiIds[0]!)).toEqual(
      expect.arrayContaining(["profile.save", "api.template.follow", "api.template.unfollow"]),
    );
    expect(await auditActions("profile_template", template.id)).toEqual([
      "template.create",
      "template.apply",
      "template.publish",
      "template.publish",
      "template.delete",
    ]);
  });

  it("refuses to follow a template the API's environment cannot resolve, and nothing is saved", async () => {
    const template = await createTemplate(admin, {
      name: "needs-region",
      profile: {
        ...templateProfile(APP_V1),
        callerAuth: { mode: "entra", tenantId: "${region}", clientApplicationIds: [APP_V1] },
      },
    });
    const before = await getAccessProfile(admin, { apiId: apiIds[1]! });
    const refused = await failure(followTemplate(admin, { apiId: apiIds[1]!, follow: { templateId: template.id } }));
    expect(refused.code).toBe("variables-missing");
    expect((await getAccessProfile(admin, { apiId: apiIds[1]! })).version).toBe(before.version);
    expect((await getApi(admin, { apiId: apiIds[1]! })).template).toBeNull();
    await deleteTemplate(admin, { templateId: template.id });
  });

  it("follows in one write with the version it saves: a failed follow leaves no version saved, and none without it", async () => {
    const template = await createTemplate(admin, { name: "one-write", profile: templateProfile(APP_V1) });
    const apiId = apiIds[0]!;
    const before = await getAccessProfile(admin, { apiId });
    const following = (await getApi(admin, { apiId })).template;
    // The follow half fails (as a crash between two writes would leave it): the save must not stay.
    await withFollowRefused(() => followTemplate(admin, { apiId, follow: { templateId: template.id } }));
    expect((await getAccessProfile(admin, { apiId })).version).toBe(before.version);
    expect((await getApi(admin, { apiId })).template).toEqual(following);

    // Without the fault: the version and the follow land together, each audited once.
    const followed = await followTemplate(admin, { apiId, follow: { templateId: template.id } });
    expect(followed.profile?.version).toBe(before.version + 1);
    expect((await getApi(admin, { apiId })).template).toMatchObject({ id: template.id });
    const actions = await auditActions("api", apiId);
    expect(actions.slice(-2)).toEqual(["profile.save", "api.template.follow"]);
    await unfollowTemplate(admin, { apiId });
    await deleteTemplate(admin, { templateId: template.id });
  });

  it("is applied to a list of APIs following with their set: a failed follow or a failed set leaves none following and no set", async () => {
    const template = await createTemplate(admin, { name: "one-write-apply", profile: templateProfile(APP_V1) });
    const title = "Apply profile template one-write-apply v1";
    const sets = () => sandbox.db.prisma.changeSet.findMany({ where: { title }, select: { id: true } });
    const templates = async () => Promise.all(apiIds.map(async (apiId) => (await getApi(admin, { apiId })).template));
    const versions = async () =>
      Promise.all(apiIds.map(async (apiId) => (await getAccessProfile(admin, { apiId })).version));
    const before = await versions();
    const history = new Map(
      await Promise.all(apiIds.map(async (apiId) => [apiId, await auditActions("api", apiId)] as const)),
    );
    expect(await templates()).toEqual([null, null, null]);

    // The follows fail: the versions, the follows and the set are written together, so none is stored.
    await withFollowRefused(() => applyTemplate(admin, { templateId: template.id, apply: { apiIds } }));
    expect(await versions()).toEqual(before);
    expect(await templates()).toEqual([null, null, null]);
    expect(await sets()).toEqual([]);
    expect(await auditActions("profile_template", template.id)).toEqual(["template.create"]);

    // The set itself fails: no API follows the template, nor has its version, without a set giving
    // it; applying again makes the set, saving the versions, and they follow with it.
    await whileWriteRefused(sandbox.db.owner, "INSERT ON change_sets", () =>
      applyTemplate(admin, { templateId: template.id, apply: { apiIds } }),
    );
    expect(await templates()).toEqual([null, null, null]);
    expect(await versions()).toEqual(before);
    for (const apiId of apiIds) expect(await auditActions("api", apiId)).toEqual(history.get(apiId));
    expect(await sets()).toEqual([]);
    expect(await auditActions("profile_template", template.id)).toEqual(["template.create"]);

    const { changeSets } = await applyTemplate(admin, { templateId: template.id, apply: { apiIds } });
    expect(changeSets.map((set) => set.id)).toEqual((await sets()).map((set) => set.id));
    expect(changeSets[0]!.items.map((item) => [item.apiId, item.status])).toEqual(
      apiIds.map((apiId) => [apiId, "planned"]),
    );
    expect(await versions()).toEqual(before.map((version) => version + 1));
    expect(await templates()).toEqual(apiIds.map(() => ({ id: template.id, name: "one-write-apply" })));
    for (const apiId of apiIds)
      expect((await auditActions("api", apiId)).slice(-2)).toEqual(["profile.save", "api.template.follow"]);
    const applied = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetType: "profile_template", targetId: template.id, action: "template.apply" },
    });
    expect(applied.map((event) => event.after)).toEqual([
      { name: "one-write-apply", version: 1, apiIds, changeSetId: changeSets[0]!.id },
    ]);
    for (const apiId of apiIds) await unfollowTemplate(admin, { apiId });
    await deleteTemplate(admin, { templateId: template.id });
  });

  it("is applied to, and gives a version to, more APIs than one change set holds through one set per 500, every API in one", async () => {
    const followers = MAX_CHANGE_SET_APIS + 1;
    const names = await sandbox.controls.seedApis(followers, { prefix: "many", withPolicy: false });
    await syncInstance(admin, { instanceId: sandbox.instance.id });
    const template = await createTemplate(admin, { name: "many-followers", profile: templateProfile(APP_V1) });
    const seeded = await sandbox.db.prisma.api.findMany({
      where: { instanceId: sandbox.instance.id, apimName: { in: names } },
      select: { id: true },
      orderBy: { apimName: "asc" },
    });
    const { changeSets: applied } = await applyTemplate(admin, {
      templateId: template.id,
      apply: { apiIds: seeded.map((api) => api.id) },
    });
    expect(applied.map((set) => [set.title, set.items.length])).toEqual([
      ["Apply profile template many-followers v1 (part 1 of 2)", MAX_CHANGE_SET_APIS],
      ["Apply profile template many-followers v1 (part 2 of 2)", 1],
    ]);
    // In the order listed, each set with the follows of its own APIs and its own event.
    expect(applied.flatMap((set) => set.items.map((item) => item.apiId))).toEqual(seeded.map((api) => api.id));
    expect(await sandbox.db.prisma.api.count({ where: { templateId: template.id } })).toBe(followers);
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetType: "profile_template", targetId: template.id, action: "template.apply" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => (event.after as { changeSetId: string }).changeSetId)).toEqual(
      applied.map((set) => set.id),
    );
    expect(events.map((event) => (event.after as { apiIds: string[] }).apiIds)).toEqual(
      applied.map((set) => set.items.map((item) => item.apiId)),
    );

    const published = await publishTemplateVersion(admin, {
      templateId: template.id,
      version: { profile: templateProfile(APP_V2) },
    });
    expect(published.changeSets.map((set) => [set.title, set.items.length])).toEqual([
      ["Apply profile template many-followers v2 (part 1 of 2)", MAX_CHANGE_SET_APIS],
      ["Apply profile template many-followers v2 (part 2 of 2)", 1],
    ]);
    const items = published.changeSets.flatMap((set) => set.items);
    expect(new Set(items.map((item) => item.apimName))).toEqual(new Set(names));
    expect(items.filter((item) => item.status !== "planned")).toEqual([]);
    // Every follower's profile is now the new version, saved from it.
    const saved = await sandbox.db.prisma.accessProfileVersion.findMany({
      where: { api: { templateId: template.id } },
      orderBy: [{ apiId: "asc" }, { version: "desc" }],
      distinct: ["apiId"],
      select: { template: true },
    });
    expect(saved).toHaveLength(followers);
    expect(new Set(saved.map((row) => JSON.stringify(row.template)))).toEqual(
      new Set([JSON.stringify({ id: template.id, name: "many-followers", version: 2 })]),
    );
    await sandbox.db.prisma.api.updateMany({ where: { templateId: template.id }, data: { templateId: null } });
    await deleteTemplate(admin, { templateId: template.id });
  }, 600_000);
});
