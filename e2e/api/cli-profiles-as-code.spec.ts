import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applySavedProfile, cliSandboxApi } from "../support/cli-sandbox-api";
import { portcullis } from "../support/portcullis-cli";
import { restCall } from "../support/rest";
import { expect, test } from "../support/test";

/**
 * The pipeline, end to end: the real `portcullis` command (bin/portcullis.mjs, as `npx
 * portcullis` runs it) in its own process against the running app and sandbox, authenticated as
 * the sandbox's automation client from sandbox.json. export → plan of the untouched files (0) →
 * edit an API file → plan (2, Markdown) → plan again (2: APIM still lacks it) → apply → plan (0); then edit environment.yaml → plan (2,
 * the variable in the set, nothing written) → apply --change-set (writes it, applies the API) → plan (0); then add a
 * variable no profile uses → apply --dir (a set of the variable alone) → plan (0).
 */
const suffix = Date.now().toString(36);
const API = `cli-as-code-${suffix}`;
const KEY = `cli-as-code-key-${suffix}`;
const SECRET = `https://portcullis-sandbox-kv.vault.azure.net/secrets/cli-as-code-${suffix}`;
const CHAT_APP = "11111111-2222-3333-4444-555555555555";
const NEW_CHAT_APP = "66666666-7777-8888-9999-000000000000";
const ADDED_APP = "99999999-8888-7777-6666-555555555555";

test.describe("portcullis export, plan and apply against the running sandbox", () => {
  test.describe.configure({ mode: "serial", timeout: 180_000 });
  let instanceId = "";
  let apiId = "";
  let directory = "";

  test.beforeAll(async ({ request }) => {
    ({ instanceId, apiId } = await cliSandboxApi(request, API));
    await restCall(request, "PATCH", `/instances/${instanceId}`, { data: { environment: "development" } });
    // Other specs use the development environment too: keep their variables.
    const current = (await restCall(request, "GET", "/environments/development/variables")).body.variables;
    await restCall(request, "PUT", "/environments/development/variables", {
      data: { variables: { ...(current as Record<string, string>), cliChatApp: CHAT_APP } },
    });
    await restCall(request, "POST", `/instances/${instanceId}/secrets`, {
      data: { name: KEY, keyVault: { secretIdentifier: SECRET } },
    });
    await restCall(request, "PUT", `/apis/${apiId}/access-profile`, {
      data: {
        backendAuth: { mode: "apiKey", namedValue: KEY, headerName: "api-key", delivery: "setHeader" },
        callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: ["${cliChatApp}"] },
      },
    });
    await applySavedProfile(request, apiId);
    directory = await mkdtemp(path.join(tmpdir(), "portcullis-e2e-cli-"));
  });

  // The other specs share the sandbox instance: it goes back to having no environment.
  test.afterAll(async ({ request }) => {
    await restCall(request, "PATCH", `/instances/${instanceId}`, { data: { environment: null } });
    await rm(directory, { recursive: true, force: true });
  });

  test("export writes the profile with its variable and Key Vault identifier; the untouched files plan to nothing", async () => {
    const exported = await portcullis("export", "--instance", "sandbox", "--out", directory);
    expect(exported).toMatchObject({ code: 0, stderr: "" });
    expect(exported.stdout).toContain(`wrote apis/${API}.yaml`);
    expect(exported.stdout).toContain("wrote environment.yaml");
    const file = await readFile(apiFile(), "utf8");
    expect(file).toContain("- ${cliChatApp}");
    expect(file).toContain(`keyVault:\n  secretIdentifier: ${SECRET}\n`);
    expect(await readFile(path.join(directory, "environment.yaml"), "utf8")).toContain(`cliChatApp: ${CHAT_APP}`);
    // Only this spec's API: the others' profiles belong to other specs, which change them as they run.
    for (const other of await readdir(path.join(directory, "apis")))
      if (other !== `${API}.yaml`) await rm(path.join(directory, "apis", other));

    const planned = await portcullis("plan", "--dir", directory);
    expect(planned).toMatchObject({ code: 0, stderr: "" });
    expect(planned.stdout).toContain("### Portcullis plan: 0 APIs to change, 0 blocked, 1 unchanged");
    expect(planned.stdout).toContain("no change set was made");
  });

  test("an edited API file plans to exit 2 with a Markdown summary, again until applied; apply --change-set applies it; plan is 0 again", async ({
    request,
  }) => {
    const text = await readFile(apiFile(), "utf8");
    await writeFile(apiFile(), text.replace("- ${cliChatApp}", `- \${cliChatApp}\n      - ${ADDED_APP}`));
    const planned = await portcullis("plan", "--dir", directory);
    expect(planned).toMatchObject({ code: 2, stderr: "" });
    expect(planned.stdout).toContain("### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged");
    expect(planned.stdout).toContain(`callerAuth.clientApplicationIds: + ${ADDED_APP}`);
    expect(planned.stdout).toContain(`| \`${API}\` (apis/${API}.yaml) | sandbox | planned |`);
    const first = /Change set `([0-9a-f-]{36})`/.exec(planned.stdout)?.[1];
    expect(first).toBeDefined();
    expect(planned.stdout).toContain(`portcullis apply --change-set ${first} --wait`);

    // The first plan saved the file's profile, but APIM does not have it: still a change.
    const again = await portcullis("plan", "--dir", directory);
    expect(again).toMatchObject({ code: 2, stderr: "" });
    expect(again.stdout).toContain("### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged");
    expect(again.stdout).toContain(`| \`${API}\` (apis/${API}.yaml) | sandbox | planned | Saved earlier as version`);
    expect(again.stdout).toContain("not applied yet");
    const id = /Change set `([0-9a-f-]{36})`/.exec(again.stdout)?.[1];
    expect(id).toBeDefined();
    expect(id).not.toBe(first);
    // The second plan of the directory replaces the first: that set can no longer be applied.
    expect(again.stdout).toContain(`It supersedes change set \`${first}\``);
    const stale = await portcullis("apply", "--change-set", first!, "--wait");
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`change set ${first} was not applied: This change set was superseded`);
    expect(stale.stderr).toContain(`portcullis apply --change-set ${id}`);

    const applied = await portcullis("apply", "--change-set", id!, "--wait");
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(`succeeded: ${API} (sandbox)`);
    expect(applied.stdout).toContain("Every API succeeded.");
    const saved = (await restCall(request, "GET", `/apis/${apiId}/access-profile`)).body;
    expect(saved.profile).toMatchObject({ callerAuth: { clientApplicationIds: [CHAT_APP, ADDED_APP] } });

    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });
    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });
  });

  test("an edited environment.yaml plans to exit 2 with the variable in the set, written only when the set is applied", async ({
    request,
  }) => {
    const environmentFile = path.join(directory, "environment.yaml");
    await writeFile(
      environmentFile,
      (await readFile(environmentFile, "utf8")).replace(`cliChatApp: ${CHAT_APP}`, `cliChatApp: ${NEW_CHAT_APP}`),
    );
    const variables = async () =>
      (await restCall(request, "GET", "/environments/development/variables")).body.variables as Record<string, string>;

    const planned = await portcullis("plan", "--dir", directory);
    expect(planned).toMatchObject({ code: 2, stderr: "" });
    expect(planned.stdout).toContain(
      "### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged; 1 variable of environment development to change",
    );
    expect(planned.stdout).toContain(`| \`cliChatApp\` | ${CHAT_APP} | ${NEW_CHAT_APP} |`);
    expect(planned.stdout).toContain(`\${cliChatApp}: ${CHAT_APP} → ${NEW_CHAT_APP}`);
    // The set holds the variable; nothing is written before it is applied.
    const id = /Change set `([0-9a-f-]{36})`/.exec(planned.stdout)![1]!;
    expect((await restCall(request, "GET", `/change-sets/${id}`)).body.variables).toEqual({
      environment: "development",
      changes: [{ name: "cliChatApp", before: CHAT_APP, after: NEW_CHAT_APP }],
    });
    expect((await variables()).cliChatApp).toBe(CHAT_APP);

    const applied = await portcullis("apply", "--change-set", id, "--wait");
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(`succeeded: ${API} (sandbox)`);
    expect((await variables()).cliChatApp).toBe(NEW_CHAT_APP);
    const saved = (await restCall(request, "GET", `/apis/${apiId}/access-profile`)).body;
    expect(saved.profile).toMatchObject({ callerAuth: { clientApplicationIds: [NEW_CHAT_APP, ADDED_APP] } });
    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });

    // A variable no profile uses: a set of the variable alone, which apply --dir makes and applies.
    const text = await readFile(environmentFile, "utf8");
    await writeFile(environmentFile, text.replace("variables:\n", `variables:\n  cliUnused${suffix}: contoso.com\n`));
    const alone = await portcullis("apply", "--dir", directory, "--wait");
    expect(alone).toMatchObject({ code: 0, stderr: "" });
    expect(alone.stdout).toContain("0 APIs to change, 0 blocked, 1 unchanged; 1 variable of environment development");
    expect((await variables())[`cliUnused${suffix}`]).toBe("contoso.com");
    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });
  });

  test("a file using a variable its instance's environment does not set is reported at the field's line; nothing is planned", async ({
    request,
  }) => {
    // Without environment.yaml, the values are the environment's on Portcullis.
    const alone = await mkdtemp(path.join(tmpdir(), "portcullis-e2e-cli-unset-"));
    const unset = `cliUnset${suffix}`;
    try {
      const text = (await readFile(apiFile(), "utf8"))
        .replace("  - cliChatApp\n", `  - cliChatApp\n  - ${unset}\n`)
        .replace("- ${cliChatApp}", `- \${cliChatApp}\n      - \${${unset}}`);
      await mkdir(path.join(alone, "apis"));
      await writeFile(path.join(alone, "apis", `${API}.yaml`), text);
      const before = (await restCall(request, "GET", `/apis/${apiId}/access-profile`)).body.version;
      const planned = await portcullis("plan", "--dir", alone);
      expect(planned.code).toBe(1);
      expect(planned.stdout).toBe("");
      const line = text.split("\n").findIndex((candidate) => candidate.includes(`\${${unset}}`)) + 1;
      expect(planned.stderr).toBe(
        `apis/${API}.yaml:${line}: profile.callerAuth.clientApplicationIds[1]: uses \${${unset}}, which environment development does not set\nportcullis: nothing planned (1 problem)\n`,
      );
      expect((await restCall(request, "GET", `/apis/${apiId}/access-profile`)).body.version).toBe(before);
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  function apiFile(): string {
    return path.join(directory, "apis", `${API}.yaml`);
  }
});
