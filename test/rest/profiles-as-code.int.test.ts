import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as apiList from "../../app/api/v1/apis/route";
import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as changeSets from "../../app/api/v1/change-sets/route";
import * as changeSet from "../../app/api/v1/change-sets/[id]/route";
import * as apply from "../../app/api/v1/change-sets/[id]/apply/route";
import * as approvals from "../../app/api/v1/change-sets/[id]/approvals/route";
import * as variables from "../../app/api/v1/environments/[name]/variables/route";
import * as instanceList from "../../app/api/v1/instances/route";
import { applyCommand } from "../../cli/apply";
import type { CliIo } from "../../cli/cli-io";
import { exportInstance } from "../../cli/export";
import { planCommand } from "../../cli/plan";
import { restGet, type PortcullisConnection, type RestCall } from "../../cli/portcullis-client";
import { getAccessProfile } from "../../lib/profiles/get-access-profile";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import { callRoute } from "../support/call-route";
import { apiIdOf, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const CHAT_APP = "11111111-2222-3333-4444-555555555555";
const ADDED_APP = "99999999-8888-7777-6666-555555555555";
let pipeline = "";
let apiId = "";
let apiName = "";
let directory = "";

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { environment: "development" } });
  const put = await callRoute(variables.PUT, {
    path: "/environments/development/variables",
    params: { name: "development" },
    method: "PUT",
    token: pipeline,
    body: { variables: { chatApp: CHAT_APP } },
  });
  expect(put.status).toBe(200);
  // A seeded API without operation policies: nothing else blocks its plans.
  apiName = (await sandbox.controls.seedApis(1, { prefix: "as-code", withPolicy: false }))[0]!;
  apiId = await apiIdOf(admin, sandbox.instance.id, apiName);
  await saveProfile(admin, apiId, {
    backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: ["${chatApp}"] },
  });
  directory = await mkdtemp(path.join(tmpdir(), "portcullis-plan-"));
});

afterAll(async () => rm(directory, { recursive: true, force: true }));

describe("portcullis plan and apply against the sandbox", () => {
  it("export → edit → plan (2, Markdown) → apply --wait (0) → plan again (0, no change set)", async () => {
    const connection = inProcess(pipeline);
    await exportInstance(restGet(connection.call), "sandbox", directory);
    const file = path.join(directory, "apis", `${apiName}.yaml`);
    const exported = await readFile(file, "utf8");
    expect(exported).toContain("- ${chatApp}");

    // Unedited files plan to nothing, and no change set is left behind.
    const setsBefore = await sandbox.db.prisma.changeSet.count();
    const untouched = captured();
    expect(await planCommand(["--dir", directory], untouched.io, async () => connection)).toBe(0);
    expect(untouched.out()).toContain("no change set was made");
    expect(await sandbox.db.prisma.changeSet.count()).toBe(setsBefore);

    await writeFile(file, exported.replace("- ${chatApp}", `- \${chatApp}\n      - ${ADDED_APP}`));
    const planned = captured();
    expect(await planCommand(["--dir", directory, "--instance", "sandbox"], planned.io, async () => connection)).toBe(
      2,
    );
    const markdown = planned.out();
    expect(markdown).toContain("### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged");
    expect(markdown).toContain(`callerAuth.clientApplicationIds: + ${ADDED_APP}`);
    expect(markdown).toContain(`| \`${apiName}\` (apis/${apiName}.yaml) | sandbox | planned |`);
    const id = /Change set `([0-9a-f-]{36})`/.exec(markdown)?.[1];
    expect(id).toBeDefined();
    expect(markdown).toContain(`portcullis apply --change-set ${id} --wait`);

    const applied = captured();
    expect(await applyCommand(["--change-set", id!, "--wait"], applied.io, async () => connection, 20)).toBe(0);
    expect(applied.out()).toContain(`succeeded: ${apiName} (sandbox)`);
    // Saved as written, its variable resolved with the development environment's value.
    const saved = await getAccessProfile(admin, { apiId });
    expect(saved.written).toMatchObject({ callerAuth: { clientApplicationIds: ["${chatApp}", ADDED_APP] } });
    expect(saved.profile).toMatchObject({ callerAuth: { clientApplicationIds: [CHAT_APP, ADDED_APP] } });

    const again = captured();
    const setsAfterApply = await sandbox.db.prisma.changeSet.count();
    expect(await planCommand(["--dir", directory], again.io, async () => connection)).toBe(0);
    expect(await sandbox.db.prisma.changeSet.count()).toBe(setsAfterApply);
  });

  it("POST /change-sets with profiles names each bad field, and refuses mixing them with apiIds and change", async () => {
    const post = (body: unknown) =>
      callRoute(changeSets.POST, { path: "/change-sets", method: "POST", token: pipeline, body });
    const paths = (answer: { body: unknown }) =>
      (answer.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path);
    const bad = await post({
      profiles: [
        { apiId: "not-an-id", profile: { callerAuth: { mode: "none" }, backendAuth: { mode: "none" } } },
        {
          apiId,
          profile: { callerAuth: { mode: "entra", tenantId: "not a tenant", clientApplicationIds: [CHAT_APP] } },
        },
      ],
    });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual([
      "profiles[0].apiId",
      "profiles[1].profile.backendAuth",
      "profiles[1].profile.callerAuth.tenantId",
    ]);
    const mixed = await post({
      apiIds: [apiId],
      change: { op: "addClientApplication", clientApplicationId: CHAT_APP },
      profiles: [{ apiId, profile: { callerAuth: { mode: "none" }, backendAuth: { mode: "none" } } }],
    });
    expect(paths(mixed)).toEqual(["apiIds", "change"]);
    expect(paths(await post({}))).toEqual(["apiIds", "change"]);
  });

  it("refuses a directory with a bad file: exit 1, file:line and field path, nothing planned", async () => {
    const bad = path.join(directory, "apis", "broken.yaml");
    await writeFile(
      bad,
      "kind: AccessProfile\napi: azure-openai-2\nprofile:\n  callerAuth:\n    mode: entra\n    tenantId: not a tenant\n    clientApplicationIds: [x]\n  backendAuth:\n    mode: none\n",
    );
    const setsBefore = await sandbox.db.prisma.changeSet.count();
    const run = captured();
    try {
      expect(await planCommand(["--dir", directory], run.io, async () => inProcess(pipeline))).toBe(1);
    } finally {
      await rm(bad);
    }
    expect(run.err()).toContain("apis/broken.yaml:6: profile.callerAuth.tenantId: must be a tenant GUID");
    expect(run.err()).toContain("apis/broken.yaml:7: profile.callerAuth.clientApplicationIds[0]: must be a GUID");
    expect(run.out()).toBe("");
    expect(await sandbox.db.prisma.changeSet.count()).toBe(setsBefore);
  });

  it("names a file whose API is not on the instance, and apply without approval exits 1 saying so", async () => {
    const missing = captured();
    expect(
      await planCommand(["--dir", directory, "--instance", "nowhere"], missing.io, async () => inProcess(pipeline)),
    ).toBe(1);
    expect(missing.err()).toContain(`apis/${apiName}.yaml: instance: no instance named 'nowhere'`);

    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    try {
      const file = path.join(directory, "apis", `${apiName}.yaml`);
      const text = await readFile(file, "utf8");
      await writeFile(file, text.replace(`      - ${ADDED_APP}\n`, ""));
      const planned = captured();
      expect(await planCommand(["--dir", directory], planned.io, async () => inProcess(pipeline))).toBe(2);
      expect(planned.out()).toContain("**needs 1 approval** (has 0)");
      expect(planned.out()).toContain(`callerAuth.clientApplicationIds: - ${ADDED_APP}`);
      const id = /Change set `([0-9a-f-]{36})`/.exec(planned.out())![1]!;
      const refused = captured();
      expect(await applyCommand(["--change-set", id, "--wait"], refused.io, async () => inProcess(pipeline), 20)).toBe(
        1,
      );
      expect(refused.err()).toContain(`change set ${id} needs approval before it can be applied`);
      // Approved by an admin other than its author, the same command applies it.
      const approved = await callRoute(approvals.POST, {
        path: `/change-sets/${id}/approvals`,
        method: "POST",
        token: await sandbox.tokens.user("admin"),
        params: { id },
        body: {},
      });
      expect(approved.status).toBe(201);
      const applied = captured();
      expect(await applyCommand(["--change-set", id, "--wait"], applied.io, async () => inProcess(pipeline), 20)).toBe(
        0,
      );
    } finally {
      await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 0 } });
    }
  });
});

function captured() {
  let out = "";
  let err = "";
  const io: CliIo = {
    stdout: (text) => void (out += text),
    stderr: (text) => void (err += text),
    readFile: () => Promise.reject(new Error("not used")),
  };
  return { io, out: () => out, err: () => err };
}

/** The CLI's REST calls, answered by the route handlers in-process. */
function inProcess(token: string): PortcullisConnection {
  type Handler = Parameters<typeof callRoute>[0];
  const routes: Array<[string, RegExp, Handler, string?]> = [
    ["GET", /^\/instances(\?|$)/, instanceList.GET],
    ["GET", /^\/apis(\?|$)/, apiList.GET],
    ["GET", /^\/apis\/([^/?]+)\/access-profile$/, accessProfile.GET, "id"],
    ["GET", /^\/environments\/([^/?]+)\/variables$/, variables.GET, "name"],
    ["POST", /^\/change-sets$/, changeSets.POST],
    ["GET", /^\/change-sets\/([^/?]+)$/, changeSet.GET, "id"],
    ["POST", /^\/change-sets\/([^/?]+)\/apply$/, apply.POST, "id"],
  ];
  const call: RestCall = async (method, resource, body) => {
    for (const [routeMethod, pattern, handler, param] of routes) {
      const match = pattern.exec(resource);
      if (routeMethod !== method || !match) continue;
      const answer = await callRoute(handler, {
        path: resource,
        method,
        token,
        body,
        params: param ? { [param]: match[1]! } : {},
      });
      return { status: answer.status, body: answer.body };
    }
    throw new Error(`no route for ${method} ${resource}`);
  };
  return { url: "http://localhost:3999", call };
}
