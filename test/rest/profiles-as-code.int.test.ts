import { changeInstanceSettings } from "../support/instance-settings";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as accessProfile from "../../app/api/v1/apis/[id]/access-profile/route";
import * as changeSets from "../../app/api/v1/change-sets/route";
import * as approvals from "../../app/api/v1/change-sets/[id]/approvals/route";
import * as variablesRoute from "../../app/api/v1/environments/[name]/variables/route";
import { applyCommand } from "../../cli/apply";
import { exportInstance } from "../../cli/export";
import { planCommand } from "../../cli/plan";
import { restGet } from "../../cli/portcullis-client";
import type { ChangeSetView } from "../../lib/change-sets/schemas";
import { getAccessProfile } from "../../lib/profiles/get-access-profile";
import { createKeyVaultSecret } from "../../lib/secrets/create-key-vault-secret";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import { callRoute } from "../support/call-route";
import { captured, inProcess } from "../support/cli-in-process";
import { apiIdOf, planAndApply, saveProfile } from "../support/deployment-fixtures";
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
const NEW_CHAT_APP = "66666666-7777-8888-9999-000000000000";
let pipeline = "";
let apiId = "";
let apiName = "";
let directory = "";

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { environment: "development" } });
  const put = await callRoute(variablesRoute.PUT, {
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
  // Applied, so the exported files plan to nothing: a saved version APIM lacks is a change.
  await planAndApply(admin, apiId);
  directory = await mkdtemp(path.join(tmpdir(), "portcullis-plan-"));
  await exportInstance(restGet(inProcess(pipeline).call), "sandbox", directory);
});

afterAll(async () => rm(directory, { recursive: true, force: true }));

/**
 * The edges of portcullis plan and apply, the CLI's REST calls answered by the route handlers
 * in-process. The whole pipeline (export → edit → plan → apply → plan, API files and
 * environment.yaml) runs as a real process against the running app in
 * e2e/api/cli-profiles-as-code.spec.ts.
 */
describe("portcullis plan and apply against the sandbox", () => {
  it("refuses removing a variable a profile not in the directory still uses, at environment.yaml's line, writing nothing", async () => {
    const connection = inProcess(pipeline);
    const onlyEnvironment = await mkdtemp(path.join(tmpdir(), "portcullis-plan-env-"));
    try {
      await exportInstance(restGet(connection.call), "sandbox", onlyEnvironment);
      await rm(path.join(onlyEnvironment, "apis"), { recursive: true });
      const file = path.join(onlyEnvironment, "environment.yaml");
      const text = await readFile(file, "utf8");
      expect(text).toContain(`chatApp: ${CHAT_APP}`);
      await writeFile(file, text.replace(`  chatApp: ${CHAT_APP}\n`, "  other: contoso.com\n"));
      // A problem with a map is at its first entry's line.
      const lineOfVariables = text.split("\n").indexOf("variables:") + 2;
      for (const command of [planCommand, applyCommand]) {
        const run = captured();
        expect(await command(["--dir", onlyEnvironment], run.io, async () => connection)).toBe(1);
        expect(run.err()).toContain(
          `environment.yaml:${lineOfVariables}: variables.chatApp: must stay: API ${apiName} on instance sandbox still uses \${chatApp}`,
        );
        expect(run.out()).toBe("");
      }
      const variables = await callRoute(variablesRoute.GET, {
        path: "/environments/development/variables",
        params: { name: "development" },
        token: pipeline,
      });
      expect((variables.body as { variables: unknown }).variables).toEqual({ chatApp: CHAT_APP });
    } finally {
      await rm(onlyEnvironment, { recursive: true, force: true });
    }
  });

  it("refuses a Key Vault identifier that is not the instance's named value's, and one on a typed value, at their lines", async () => {
    const vaultApi = (await sandbox.controls.seedApis(1, { prefix: "as-code-kv", withPolicy: false }))[0]!;
    await createKeyVaultSecret(admin, {
      instanceId: sandbox.instance.id,
      name: "as-code-kv-key",
      secretIdentifier: "https://portcullis-sandbox-kv.vault.azure.net/secrets/as-code",
    });
    const vaultApiId = await apiIdOf(admin, sandbox.instance.id, vaultApi);
    await saveProfile(admin, vaultApiId, {
      backendAuth: { mode: "apiKey", namedValue: "as-code-kv-key", headerName: "api-key", delivery: "setHeader" },
      callerAuth: { mode: "none" },
    });
    await planAndApply(admin, vaultApiId);
    const connection = inProcess(pipeline);
    await exportInstance(restGet(connection.call), "sandbox", directory);
    const vaultFile = path.join(directory, "apis", `${vaultApi}.yaml`);
    const exported = await readFile(vaultFile, "utf8");
    expect(exported).toContain(
      "keyVault:\n  secretIdentifier: https://portcullis-sandbox-kv.vault.azure.net/secrets/as-code\n",
    );
    // The typed named value's file has none: it has no Key Vault identifier to write.
    const typedFile = path.join(directory, "apis", `${apiName}.yaml`);
    const typed = await readFile(typedFile, "utf8");
    expect(typed).not.toContain("keyVault");
    const unchanged = captured();
    expect(await planCommand(["--dir", directory], unchanged.io, async () => connection)).toBe(0);

    try {
      await writeFile(vaultFile, exported.replace("/secrets/as-code", "/secrets/elsewhere"));
      await writeFile(
        typedFile,
        `${typed}keyVault:\n  secretIdentifier: https://portcullis-sandbox-kv.vault.azure.net/secrets/typed\n`,
      );
      const run = captured();
      expect(await planCommand(["--dir", directory], run.io, async () => connection)).toBe(1);
      const lineOf = (text: string, wanted: string) => text.split("\n").findIndex((line) => line.includes(wanted)) + 1;
      expect(run.err()).toContain(
        `apis/${vaultApi}.yaml:${lineOf(exported, "secretIdentifier")}: keyVault.secretIdentifier: named value 'as-code-kv-key' on instance sandbox refers to https://portcullis-sandbox-kv.vault.azure.net/secrets/as-code: Portcullis does not repoint`,
      );
      expect(run.err()).toContain(
        `apis/${apiName}.yaml:${typed.split("\n").length + 1}: keyVault: named value 'azure-openai-api-key' on instance sandbox is a typed value`,
      );
    } finally {
      await writeFile(vaultFile, exported);
      await writeFile(typedFile, typed);
    }
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

  it("refuses, without environment.yaml, each field using a variable the instance's environment does not set: at its line, nothing planned", async () => {
    const withoutEnvironment = await mkdtemp(path.join(tmpdir(), "portcullis-plan-unset-"));
    try {
      await exportInstance(restGet(inProcess(pipeline).call), "sandbox", withoutEnvironment);
      await rm(path.join(withoutEnvironment, "environment.yaml"));
      const file = path.join(withoutEnvironment, "apis", `${apiName}.yaml`);
      const text = (await readFile(file, "utf8"))
        .replace("  - chatApp\n", "  - chatApp\n  - otherApp\n  - tenant\n")
        .replace("      - ${chatApp}\n", "      - ${chatApp}\n      - ${otherApp}\n")
        .replace("tenantId: contoso.onmicrosoft.com", "tenantId: ${tenant}");
      await writeFile(file, text);
      const lineOf = (wanted: string) => text.split("\n").findIndex((line) => line.includes(wanted)) + 1;
      const setsBefore = await sandbox.db.prisma.changeSet.count();
      const run = captured();
      expect(await planCommand(["--dir", withoutEnvironment], run.io, async () => inProcess(pipeline))).toBe(1);
      expect(run.err()).toBe(
        [
          `apis/${apiName}.yaml:${lineOf("- ${otherApp}")}: profile.callerAuth.clientApplicationIds[1]: uses \${otherApp}, which environment development does not set`,
          `apis/${apiName}.yaml:${lineOf("tenantId")}: profile.callerAuth.tenantId: uses \${tenant}, which environment development does not set`,
          "portcullis: nothing planned (2 problems)\n",
        ].join("\n"),
      );
      expect(run.out()).toBe("");
      expect(await sandbox.db.prisma.changeSet.count()).toBe(setsBefore);
    } finally {
      await rm(withoutEnvironment, { recursive: true, force: true });
    }
  });

  it("refuses files whose instance is not in environment.yaml's environment: its values are not theirs", async () => {
    const file = path.join(directory, "environment.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("environment: development", "environment: test"));
    const run = captured();
    try {
      expect(await planCommand(["--dir", directory], run.io, async () => inProcess(pipeline))).toBe(1);
    } finally {
      await writeFile(file, text);
    }
    expect(run.err()).toContain(
      `apis/${apiName}.yaml:5: instance: instance sandbox is in environment development, but environment.yaml is environment test`,
    );
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
      await writeFile(file, text.replace("- ${chatApp}", `- \${chatApp}\n      - ${ADDED_APP}`));
      const planned = captured();
      expect(await planCommand(["--dir", directory], planned.io, async () => inProcess(pipeline))).toBe(2);
      expect(planned.out()).toContain("**needs 1 approval** (has 0)");
      expect(planned.out()).toContain(`callerAuth.clientApplicationIds: + ${ADDED_APP}`);
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
      await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: 0 });
    }
  });

  it("saves a profile as written again when a variable it uses changed, with the new value", async () => {
    const putVariables = (chatApp: string) =>
      callRoute(variablesRoute.PUT, {
        path: "/environments/development/variables",
        params: { name: "development" },
        method: "PUT",
        token: pipeline,
        body: { variables: { chatApp } },
      });
    const written = (
      await callRoute(accessProfile.GET, {
        path: `/apis/${apiId}/access-profile`,
        params: { id: apiId },
        token: pipeline,
      })
    ).body as { written: unknown };
    const post = () =>
      callRoute(changeSets.POST, {
        path: "/change-sets",
        method: "POST",
        token: pipeline,
        body: { profiles: [{ apiId, profile: written.written }] },
      });
    expect(((await post()).body as ChangeSetView).items[0]?.status).toBe("unchanged");
    expect((await putVariables(NEW_CHAT_APP)).status).toBe(200);
    try {
      const set = (await post()).body as ChangeSetView;
      expect(set.items[0]?.status).toBe("planned");
      const saved = await getAccessProfile(admin, { apiId });
      expect(saved.written).toEqual(written.written);
      expect(saved.profile.callerAuth).toMatchObject({ clientApplicationIds: [NEW_CHAT_APP, ADDED_APP] });
    } finally {
      await putVariables(CHAT_APP);
    }
  });

  it("plans an edited file to exit 2 until it is applied, however often it is planned; then 0", async () => {
    const file = path.join(directory, "apis", `${apiName}.yaml`);
    const text = await readFile(file, "utf8");
    const third = "33333333-4444-5555-6666-777777777777";
    await writeFile(file, text.replace(/clientApplicationIds:\n/, `clientApplicationIds:\n      - ${third}\n`));
    try {
      const plan = async () => {
        const run = captured();
        return {
          code: await planCommand(["--dir", directory], run.io, async () => inProcess(pipeline)),
          out: run.out(),
        };
      };
      const first = await plan();
      expect(first.code).toBe(2);
      expect(first.out).toContain(`callerAuth.clientApplicationIds: + ${third}`);
      const version = (await getAccessProfile(admin, { apiId })).version;
      // The first plan saved the file's profile; APIM still does not have it.
      const second = await plan();
      expect(second.code).toBe(2);
      expect(second.out).toContain("### Portcullis plan: 1 API to change, 0 blocked");
      expect(second.out).toContain(
        `| \`${apiName}\` (apis/${apiName}.yaml) | sandbox | planned | Saved earlier as version ${version}, not applied yet:`,
      );
      expect((await getAccessProfile(admin, { apiId })).version).toBe(version);
      const id = /Change set `([0-9a-f-]{36})`/.exec(second.out)![1]!;
      const applied = captured();
      expect(await applyCommand(["--change-set", id, "--wait"], applied.io, async () => inProcess(pipeline), 20)).toBe(
        0,
      );
      expect((await getAccessProfile(admin, { apiId })).applied).toBe(true);
      expect(await plan()).toMatchObject({ code: 0 });
      expect(await plan()).toMatchObject({ code: 0 });
    } finally {
      await writeFile(file, text);
    }
  });

  it("puts environment.yaml's changed variables in the set: plan exits 2 writing nothing, apply writes them with the set", async () => {
    const file = path.join(directory, "environment.yaml");
    const text = await readFile(file, "utf8");
    const variables = async () =>
      (
        (
          await callRoute(variablesRoute.GET, {
            path: "/environments/development/variables",
            params: { name: "development" },
            token: pipeline,
          })
        ).body as { variables: Record<string, string> }
      ).variables;
    const run = async (command: "plan" | "apply", ...args: string[]) => {
      const io = captured();
      const connect = async () => inProcess(pipeline);
      const argv = ["--dir", directory, ...args];
      const code =
        command === "plan" ? await planCommand(argv, io.io, connect) : await applyCommand(argv, io.io, connect, 20);
      return { code, out: io.out(), err: io.err() };
    };
    try {
      await writeFile(file, text.replace(`chatApp: ${CHAT_APP}`, `chatApp: ${NEW_CHAT_APP}`));
      const planned = await run("plan");
      expect(planned).toMatchObject({ code: 2, err: "" });
      expect(planned.out).toContain("; 1 variable of environment development to change");
      expect(planned.out).toContain(`| \`chatApp\` | ${CHAT_APP} | ${NEW_CHAT_APP} |`);
      expect(planned.out).toContain(`\${chatApp}: ${CHAT_APP} → ${NEW_CHAT_APP}`);
      expect(await variables()).toEqual({ chatApp: CHAT_APP });

      // Someone changes the variable before the set is applied: apply refuses it, writing nothing.
      const id = /Change set `([0-9a-f-]{36})`/.exec(planned.out)![1]!;
      const raced = "77777777-8888-9999-0000-111111111111";
      await callRoute(variablesRoute.PUT, {
        path: "/environments/development/variables",
        params: { name: "development" },
        method: "PUT",
        token: pipeline,
        body: { variables: { chatApp: raced } },
      });
      const refused = captured();
      expect(await applyCommand(["--change-set", id], refused.io, async () => inProcess(pipeline), 20)).toBe(1);
      expect(refused.err()).toContain(
        `portcullis: change set ${id} was not applied: Variable \${chatApp} of environment development changed since this change set was made`,
      );
      expect(refused.err()).toContain("run portcullis plan again");
      expect(await variables()).toEqual({ chatApp: raced });

      const applied = await run("apply", "--wait");
      expect(applied).toMatchObject({ code: 0, err: "" });
      expect(applied.out).toContain(`| \`chatApp\` | ${raced} | ${NEW_CHAT_APP} |`);
      expect(await variables()).toEqual({ chatApp: NEW_CHAT_APP });
      const saved = (await getAccessProfile(admin, { apiId })).profile.callerAuth as { clientApplicationIds: string[] };
      expect(saved.clientApplicationIds).toContain(NEW_CHAT_APP);
      expect(saved.clientApplicationIds).not.toContain(CHAT_APP);

      // A variable no profile uses: a set of that variable alone, still a change (exit 2).
      await writeFile(file, text.replace(`chatApp: ${CHAT_APP}`, `chatApp: ${NEW_CHAT_APP}\n  spare: contoso.com`));
      const alone = await run("plan");
      expect(alone).toMatchObject({ code: 2, err: "" });
      expect(alone.out).toContain(
        "### Portcullis plan: 0 APIs to change, 0 blocked, 2 unchanged; 1 variable of environment development to change",
      );
      expect(alone.out).toContain("| `spare` | (unset) | contoso.com |");
      expect(await run("apply", "--wait")).toMatchObject({ code: 0, err: "" });
      expect(await variables()).toEqual({ chatApp: NEW_CHAT_APP, spare: "contoso.com" });
      expect(await run("plan")).toMatchObject({ code: 0 });
    } finally {
      await writeFile(file, text);
    }
  });
});
