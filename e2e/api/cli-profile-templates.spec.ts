import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { applySavedProfile, cliSandboxApi } from "../support/cli-sandbox-api";
import { portcullis } from "../support/portcullis-cli";
import { restCall } from "../support/rest";
import { expect, test } from "../support/test";

/**
 * The template key of profile files, end to end with the real `portcullis` command against the
 * running app: an API following a profile template is exported as `template: {name, version:
 * latest}` → plan (0) → the file's version edited to 1 → plan (2, Markdown) → apply → plan (0); a
 * template Portcullis does not have is an invalid file (1, file:line, nothing planned).
 */
const suffix = Date.now().toString(36);
const API = `cli-template-${suffix}`;
const TEMPLATE = `cli-template-${suffix}`;
const APP_V1 = "33333333-aaaa-4bbb-8ccc-000000000001";
const APP_V2 = "33333333-aaaa-4bbb-8ccc-000000000002";

const templateProfile = (app: string) => ({
  backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [app] },
});

test.describe("portcullis export and plan of an API following a profile template", () => {
  test.describe.configure({ mode: "serial", timeout: 180_000 });
  let apiId = "";
  let templateId = "";
  let directory = "";

  test.beforeAll(async ({ request }) => {
    ({ apiId } = await cliSandboxApi(request, API));
    templateId = (
      await restCall(request, "POST", "/templates", { data: { name: TEMPLATE, profile: templateProfile(APP_V1) } })
    ).body.id as string;
    await restCall(request, "POST", `/templates/${templateId}/versions`, {
      data: { profile: templateProfile(APP_V2) },
    });
    // It follows version 2, applied: the exported file plans to nothing.
    await restCall(request, "PUT", `/apis/${apiId}/template`, { data: { templateId } });
    await applySavedProfile(request, apiId);
    directory = await mkdtemp(path.join(tmpdir(), "portcullis-e2e-cli-template-"));
  });

  test.afterAll(async ({ request }) => {
    await restCall(request, "DELETE", `/apis/${apiId}/template`);
    await restCall(request, "DELETE", `/templates/${templateId}`);
    await rm(directory, { recursive: true, force: true });
  });

  test("export writes the template at latest and no profile; the untouched file plans to nothing", async () => {
    const exported = await portcullis("export", "--instance", "sandbox", "--out", directory);
    expect(exported.code).toBe(0);
    const file = await readFile(apiFile(), "utf8");
    expect(file).toContain(`template:\n  name: ${TEMPLATE}\n  version: latest\n`);
    expect(file).not.toContain("profile:");
    // Only this spec's API: the others' profiles belong to other specs, which change them as they run.
    for (const other of await readdir(path.join(directory, "apis")))
      if (other !== `${API}.yaml`) await rm(path.join(directory, "apis", other));
    await rm(path.join(directory, "environment.yaml"), { force: true });
    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });
  });

  test("the file's template version edited plans to exit 2 with the version and fields; applied, plan is 0", async ({
    request,
  }) => {
    const text = await readFile(apiFile(), "utf8");
    await writeFile(apiFile(), text.replace("version: latest", "version: 1"));
    const planned = await portcullis("plan", "--dir", directory);
    expect(planned).toMatchObject({ code: 2, stderr: "" });
    expect(planned.stdout).toContain("### Portcullis plan: 1 API to change, 0 blocked, 0 unchanged");
    expect(planned.stdout).toContain(`\`template ${TEMPLATE}: v2 → v1\``);
    expect(planned.stdout).toContain(`callerAuth.clientApplicationIds: + ${APP_V1}, - ${APP_V2}`);
    const id = /Change set `([0-9a-f-]{36})`/.exec(planned.stdout)?.[1];
    expect(id).toBeDefined();

    const applied = await portcullis("apply", "--change-set", id!, "--wait");
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(`succeeded: ${API} (sandbox)`);
    const saved = (await restCall(request, "GET", `/apis/${apiId}/access-profile`)).body;
    expect(saved.template).toEqual({ id: templateId, name: TEMPLATE, version: 1 });
    expect(saved.profile).toMatchObject({ callerAuth: { clientApplicationIds: [APP_V1] } });
    expect((await restCall(request, "GET", `/apis/${apiId}`)).body.template).toEqual({
      id: templateId,
      name: TEMPLATE,
    });
    expect(await portcullis("plan", "--dir", directory)).toMatchObject({ code: 0, stderr: "" });
  });

  test("a template Portcullis does not have is reported at its line and nothing is planned", async () => {
    const text = await readFile(apiFile(), "utf8");
    await writeFile(apiFile(), text.replace(`name: ${TEMPLATE}`, `name: ${TEMPLATE}-gone`));
    const line = text.split("\n").findIndex((candidate) => candidate.startsWith("  name:")) + 1;
    const planned = await portcullis("plan", "--dir", directory);
    expect(planned.code).toBe(1);
    expect(planned.stdout).toBe("");
    expect(planned.stderr).toContain(
      `apis/${API}.yaml:${line}: template.name: no profile template named '${TEMPLATE}-gone' in Portcullis`,
    );
    expect(planned.stderr).toContain("portcullis: nothing planned (1 problem)");
    await writeFile(apiFile(), text);
  });

  function apiFile(): string {
    return path.join(directory, "apis", `${API}.yaml`);
  }
});
