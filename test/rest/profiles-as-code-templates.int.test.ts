import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as changeSet from "../../app/api/v1/change-sets/[id]/route";
import * as changeSets from "../../app/api/v1/change-sets/route";
import * as templateRoute from "../../app/api/v1/templates/[id]/route";
import * as variablesRoute from "../../app/api/v1/environments/[name]/variables/route";
import { applyCommand } from "../../cli/apply";
import { exportInstance } from "../../cli/export";
import { planCommand } from "../../cli/plan";
import { restGet } from "../../cli/portcullis-client";
import { getApi } from "../../lib/apis/get-api";
import { startChangeSetApply } from "../../lib/change-sets/start-change-set-apply";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import { getAccessProfile } from "../../lib/profiles/get-access-profile";
import { createTemplate } from "../../lib/templates/create-template";
import { followTemplate } from "../../lib/templates/follow-template";
import { publishTemplateVersion } from "../../lib/templates/publish-template-version";
import { callRoute } from "../support/call-route";
import { captured, inProcess } from "../support/cli-in-process";
import { apiIdOf, planAndApply, profiles, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

/**
 * The `template` key of profile files through the REST path: export writes it, plan --dir
 * follows and stops following from it (POST /change-sets profile entries), an unknown template
 * or version is a file problem, and `latest` stays true as the template's versions reach the API.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const APP_V1 = "22222222-aaaa-4bbb-8ccc-000000000001";
const APP_V2 = "22222222-aaaa-4bbb-8ccc-000000000002";
const TEMPLATE = "as-code-chat";
let pipeline = "";
let directory = "";
let handApi = { id: "", name: "" };
let followerApi = { id: "", name: "" };
let templateId = "";

const templateProfile = (app: string) => ({
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "${tenant}", clientApplicationIds: [app], audiences: [], requiredClaims: [] },
});

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { environment: "development" } });
  await callRoute(variablesRoute.PUT, {
    path: "/environments/development/variables",
    params: { name: "development" },
    method: "PUT",
    token: pipeline,
    body: { variables: { tenant: "contoso.onmicrosoft.com" } },
  });
  const [hand, follower] = await sandbox.controls.seedApis(2, { prefix: "as-code-tpl", withPolicy: false });
  handApi = { id: await apiIdOf(admin, sandbox.instance.id, hand!), name: hand! };
  followerApi = { id: await apiIdOf(admin, sandbox.instance.id, follower!), name: follower! };
  templateId = (await createTemplate(admin, { name: TEMPLATE, profile: templateProfile(APP_V1) })).id;
  await saveProfile(admin, handApi.id, profiles.headerKey());
  await planAndApply(admin, handApi.id);
  await saveProfile(admin, followerApi.id, profiles.headerKey());
  await followTemplate(admin, {
    apiId: followerApi.id,
    ifMatch: (await getAccessProfile(admin, { apiId: followerApi.id })).etag,
    follow: { templateId },
  });
  await planAndApply(admin, followerApi.id);
  directory = await mkdtemp(path.join(tmpdir(), "portcullis-plan-templates-"));
  await exportInstance(restGet(inProcess(pipeline).call), "sandbox", directory);
});

afterAll(async () => rm(directory, { recursive: true, force: true }));

const fileOf = (api: { name: string }) => path.join(directory, "apis", `${api.name}.yaml`);

async function plan() {
  const run = captured();
  const code = await planCommand(["--dir", directory], run.io, async () => inProcess(pipeline));
  return { code, out: run.out(), err: run.err() };
}

async function applySetOf(out: string) {
  const id = /Change set `([0-9a-f-]{36})`/.exec(out)![1]!;
  const run = captured();
  expect(await applyCommand(["--change-set", id, "--wait"], run.io, async () => inProcess(pipeline), 20)).toBe(0);
}

/** GET /change-sets/{id} of the set a plan made: each item's `following`, by API id. */
async function followingOf(out: string) {
  const id = /Change set `([0-9a-f-]{36})`/.exec(out)![1]!;
  const answer = await callRoute(changeSet.GET, { path: `/change-sets/${id}`, params: { id }, token: pipeline });
  expect(answer.status).toBe(200);
  const { items } = answer.body as { items: Array<{ apiId: string; following: unknown }> };
  return Object.fromEntries(items.map((item) => [item.apiId, item.following]));
}

async function followed(apiId: string) {
  return (await getApi(admin, { apiId })).template?.name ?? null;
}

async function auditActions(apiId: string): Promise<string[]> {
  const rows = await sandbox.db.prisma.auditEvent.findMany({
    where: { targetType: "api", targetId: apiId, action: { startsWith: "api.template." } },
    orderBy: { seq: "asc" },
    select: { action: true },
  });
  return rows.map((row) => row.action);
}

describe("the template key of profile files", () => {
  it("is exported for a follower (latest, no profile beside it), not for a profile written by hand; planned, nothing changes", async () => {
    const follower = await readFile(fileOf(followerApi), "utf8");
    expect(follower).toContain(`template:\n  name: ${TEMPLATE}\n  version: latest\n`);
    expect(follower).not.toContain("profile:");
    const hand = await readFile(fileOf(handApi), "utf8");
    expect(hand).not.toContain("template:");
    expect(hand).toContain("profile:\n");
    expect(await plan()).toMatchObject({ code: 0 });
  });

  it("makes an API follow a template from its file, and one stop following from a file without it", async () => {
    const [hand, follower] = await Promise.all([
      readFile(fileOf(handApi), "utf8"),
      readFile(fileOf(followerApi), "utf8"),
    ]);
    try {
      // The hand-written API follows version 1; the follower keeps its profile, written by hand now.
      const { written, profile } = await getAccessProfile(admin, { apiId: followerApi.id });
      await writeFile(
        fileOf(handApi),
        hand.replace(/profile:\n(?: {2}.*\n)+/, `template:\n  name: ${TEMPLATE}\n  version: 1\n`),
      );
      // Its profile as written uses ${tenant}: the file lists it.
      expect(written).not.toBeNull();
      await writeFile(
        fileOf(followerApi),
        follower
          .replace("variables: []", "variables:\n  - tenant")
          .replace(/template:\n(?: {2}.*\n)+/, `profile: ${JSON.stringify(written ?? profile)}\n`),
      );
      const first = await plan();
      expect(first.err).toBe("");
      expect(first.code).toBe(2);
      expect(first.out).toContain("### Portcullis plan: 2 APIs to change, 0 blocked, 0 unchanged");
      expect(first.out).toContain(`\`template: (none) → ${TEMPLATE} v1\``);
      expect(first.out).toContain(
        `| \`${followerApi.name}\` (apis/${followerApi.name}.yaml) | sandbox | template only | \`template: ${TEMPLATE} → (none)\` |`,
      );
      expect(await followed(handApi.id)).toBe(TEMPLATE);
      expect(await followed(followerApi.id)).toBeNull();
      // The set's items say so: (none) → v1, and v1 → (none).
      expect(await followingOf(first.out)).toEqual({
        [handApi.id]: { before: null, after: { name: TEMPLATE, version: 1 } },
        [followerApi.id]: { before: { name: TEMPLATE, version: 1 }, after: null },
      });
      const saved = await getAccessProfile(admin, { apiId: handApi.id });
      expect(saved.template).toEqual({ id: templateId, name: TEMPLATE, version: 1 });
      expect(saved.profile.callerAuth).toMatchObject({
        tenantId: "contoso.onmicrosoft.com",
        clientApplicationIds: [APP_V1],
      });
      expect(await auditActions(handApi.id)).toEqual(["api.template.follow"]);
      expect(await auditActions(followerApi.id)).toEqual(["api.template.follow", "api.template.unfollow"]);
      await applySetOf(first.out);
      expect(await plan()).toMatchObject({ code: 0 });
    } finally {
      // Back as exported: the follower follows again (its profile is version 1 already), the other stops.
      await writeFile(fileOf(handApi), hand);
      await writeFile(fileOf(followerApi), follower);
      const back = await plan();
      expect(back.code).toBe(2);
      if (/Apply after review/.test(back.out)) await applySetOf(back.out);
      expect(await plan()).toMatchObject({ code: 0 });
      expect([await followed(handApi.id), await followed(followerApi.id)]).toEqual([null, TEMPLATE]);
    }
  });

  it("reports a template or version Portcullis does not have at the file's line, and plans nothing", async () => {
    const follower = await readFile(fileOf(followerApi), "utf8");
    const lineOf = (wanted: string) => follower.split("\n").findIndex((line) => line.startsWith(wanted)) + 1;
    const sets = await sandbox.db.prisma.changeSet.count();
    try {
      await writeFile(fileOf(followerApi), follower.replace(`name: ${TEMPLATE}`, "name: no-such-template"));
      const unknown = await plan();
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain(
        `apis/${followerApi.name}.yaml:${lineOf("  name:")}: template.name: no profile template named 'no-such-template' in Portcullis (there are: `,
      );
      expect(unknown.err).toContain("portcullis: nothing planned (1 problem)");
      await writeFile(fileOf(followerApi), follower.replace("version: latest", "version: 9"));
      const version = await plan();
      expect(version.code).toBe(1);
      expect(version.err).toContain(
        `apis/${followerApi.name}.yaml:${lineOf("  version:")}: template.version: template ${TEMPLATE} has versions 1 to 1: 9 is none of them (or write latest)`,
      );
      expect(version.out).toBe("");
    } finally {
      await writeFile(fileOf(followerApi), follower);
    }
    expect(await sandbox.db.prisma.changeSet.count()).toBe(sets);
  });

  it("reports a template version's variable the environment does not set at the file's template line, and plans nothing", async () => {
    const unset = await createTemplate(admin, {
      name: `${TEMPLATE}-unset`,
      profile: {
        ...templateProfile(APP_V1),
        backendAuth: { mode: "apiKey", namedValue: "${keyName}", headerName: "api-key", delivery: "setHeader" },
      },
    });
    const follower = await readFile(fileOf(followerApi), "utf8");
    const sets = await sandbox.db.prisma.changeSet.count();
    try {
      await writeFile(fileOf(followerApi), follower.replace(`name: ${TEMPLATE}`, `name: ${TEMPLATE}-unset`));
      const planned = await plan();
      expect(planned.code).toBe(1);
      expect(planned.err).toBe(
        `apis/${followerApi.name}.yaml:${follower.split("\n").findIndex((line) => line.startsWith("  name:")) + 1}: template: template ${TEMPLATE}-unset v1's backendAuth.namedValue uses \${keyName}, which environment.yaml (environment development) does not set\nportcullis: nothing planned (1 problem)\n`,
      );
      expect(planned.out).toBe("");
    } finally {
      await writeFile(fileOf(followerApi), follower);
    }
    expect(await sandbox.db.prisma.changeSet.count()).toBe(sets);
    expect(await followed(followerApi.id)).toBe(TEMPLATE);
    await callRoute(templateRoute.DELETE, {
      path: `/templates/${unset.id}`,
      params: { id: unset.id },
      method: "DELETE",
      token: pipeline,
    });
  });

  it("POST /change-sets names an unknown template or version and a profile beside a template, per field", async () => {
    const post = (body: unknown) =>
      callRoute(changeSets.POST, { path: "/change-sets", method: "POST", token: pipeline, body });
    const paths = (answer: { body: unknown }) =>
      (answer.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path);
    const both = await post({
      profiles: [{ apiId: handApi.id, template: { name: TEMPLATE, version: 1 }, profile: profiles.headerKey() }],
    });
    expect(both.status).toBe(400);
    expect(paths(both)).toEqual(["profiles[0].profile"]);
    const unknown = await post({
      profiles: [
        { apiId: handApi.id, template: { name: "no-such-template", version: "latest" } },
        { apiId: followerApi.id, template: { name: TEMPLATE, version: 7 } },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(["profiles[0].template.name", "profiles[1].template.version"]);
    expect([await followed(handApi.id), await followed(followerApi.id)]).toEqual([null, TEMPLATE]);
  });

  it("keeps a file at latest true as the template's next version reaches the API", async () => {
    const published = await publishTemplateVersion(admin, {
      templateId,
      version: { profile: templateProfile(APP_V2) },
    });
    // The version is saved for the follower by its set, not applied yet: a change for APIM.
    expect(published.changeSets[0]!.items.map((item) => item.following)).toEqual([
      { before: { name: TEMPLATE, version: 1 }, after: { name: TEMPLATE, version: 2 } },
    ]);
    // Planned from the files, the same API: that set replaces the template's, which is applied no more.
    const planned = await plan();
    expect(planned).toMatchObject({ code: 2 });
    await expect(startChangeSetApply(admin, { changeSetId: published.changeSets[0]!.id })).rejects.toMatchObject({
      code: "superseded",
    });
    await applySetOf(planned.out);
    expect(await plan()).toMatchObject({ code: 0 });
    const current = await getAccessProfile(admin, { apiId: followerApi.id });
    expect(current.template).toEqual({ id: templateId, name: TEMPLATE, version: 2 });
    // Pinned at version 1, the file takes the API back to it (it still follows the template).
    const follower = await readFile(fileOf(followerApi), "utf8");
    try {
      await writeFile(fileOf(followerApi), follower.replace("version: latest", "version: 1"));
      const back = await plan();
      expect(back.code).toBe(2);
      expect(back.out).toContain(`\`template ${TEMPLATE}: v2 → v1\``);
      expect((await followingOf(back.out))[followerApi.id]).toEqual({
        before: { name: TEMPLATE, version: 2 },
        after: { name: TEMPLATE, version: 1 },
      });
      expect(back.out).toContain(`callerAuth.clientApplicationIds: + ${APP_V1}, - ${APP_V2}`);
      await applySetOf(back.out);
      expect(await plan()).toMatchObject({ code: 0 });
      // Exported again, the file says version 1: no longer the newest.
      await exportInstance(restGet(inProcess(pipeline).call), "sandbox", directory);
      expect(await readFile(fileOf(followerApi), "utf8")).toContain(`template:\n  name: ${TEMPLATE}\n  version: 1\n`);
    } finally {
      await writeFile(fileOf(followerApi), follower);
    }
  });

  it("exports a follower whose profile was edited by hand since with that profile and no template, and warns", async () => {
    await saveProfile(admin, followerApi.id, profiles.headerKey());
    expect(await followed(followerApi.id)).toBe(TEMPLATE);
    const warnings: string[] = [];
    await exportInstance(restGet(inProcess(pipeline).call), "sandbox", directory, (warning) => warnings.push(warning));
    expect(warnings).toEqual([
      `apis/${followerApi.name}.yaml: API ${followerApi.name} follows template ${TEMPLATE}, but its profile was edited by hand since it was saved from it: the file has that profile and no template (planned as it is, the API stops following; add template: to follow it again)`,
    ]);
    const file = await readFile(fileOf(followerApi), "utf8");
    expect(file).not.toContain("template:");
    expect(file).toContain("profile:\n");
    const planned = await plan();
    expect(planned.code).toBe(2);
    expect(planned.out).toContain(`\`template: ${TEMPLATE} → (none)\``);
    // Its profile is none of the template's versions: which one it was is not said.
    expect((await followingOf(planned.out))[followerApi.id]).toEqual({
      before: { name: TEMPLATE, version: null },
      after: null,
    });
  });
});
