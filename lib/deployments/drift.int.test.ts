import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createPlan } from "./create-plan";
import { detectDrift } from "./detect-drift";
import { scanDrift } from "./scan-drift";
import { apiIdOf, applyPlan, planAndApply, profiles, saveProfile } from "../../test/support/deployment-fixtures";
import { peakConcurrency } from "../../test/support/apim/peak-concurrency";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const reader = contextFor("reader");
const apim = () => apimClientForInstance(sandbox.instance);
const BLOCK = /\s*<!--\s*portcullis:begin[\s\S]*?portcullis:end\s*-->/;

afterEach(() => sandbox.controls.clearFaults());

/**
 * Fresh APIs (seeding again with a prefix replaces them) with `profile` applied. `withPolicy`:
 * whether they start with the seed's hand-written policy, which selects a backend after where the
 * Portcullis block goes; a profile with a backend of its own is planned on APIs without it, since
 * that later selection would undo the profile and block the plan.
 */
async function deployedApis(
  prefix: string,
  count: number,
  profile = profiles.headerKey(),
  { withPolicy = true }: { withPolicy?: boolean } = {},
): Promise<Array<{ id: string; name: string }>> {
  const names = await sandbox.controls.seedApis(count, { prefix, withPolicy });
  const apis = [];
  for (const name of names) {
    const id = await apiIdOf(admin, sandbox.instance.id, name);
    await saveProfile(admin, id, profile);
    expect((await planAndApply(admin, id)).deployment.status).toBe("succeeded");
    apis.push({ id, name });
  }
  return apis;
}

const deployedApi = async (prefix: string, profile = profiles.headerKey(), options: { withPolicy?: boolean } = {}) =>
  (await deployedApis(prefix, 1, profile, options))[0]!;

async function editPolicy(apiName: string, edit: (xml: string) => string): Promise<void> {
  const live = (await apim().getApiPolicy(apiName)).value!;
  await apim().putApiPolicy(apiName, edit(live.xml), { etag: live.etag });
}

async function restore(apiId: string) {
  const plan = await createPlan(admin, { apiId, purpose: "drift" });
  return { plan, deployment: await applyPlan(admin, plan.id) };
}

describe("drift", () => {
  it("scans an instance with at most the stated ARM calls in flight, reading shared entities once and only changed ones in full", async () => {
    const apis = await deployedApis("scan", 6);
    await editPolicy(apis[0]!.name, (xml) => xml.replace("<outbound>", "<outbound>\r\n    <!-- tuned by hand -->"));
    const since = (await sandbox.controls.requests()).at(-1)!.seq;

    const scan = await scanDrift(reader, { instanceId: sandbox.instance.id, concurrency: 2 });

    const byName = new Map(scan.apis.map((report) => [report.apimName, report]));
    expect(byName.get(apis[0]!.name)!.status).toBe("changed_harmlessly");
    for (const api of apis.slice(1)) expect(byName.get(api.name)!.status).toBe("in_sync");
    expect(byName.get("azure-openai")!.status).toBe("not_deployed");
    // The four seeded APIs were never deployed.
    expect(scan.counts).toEqual({ changed_harmlessly: 1, in_sync: 5, not_deployed: 4 });
    // Six policy ETags, the one named value they share once, and the one changed policy in full.
    expect(scan.armCalls).toBe(6 + 1 + 1);
    const requests = await sandbox.controls.requests(since);
    expect(requests).toHaveLength(scan.armCalls);
    expect(requests.filter((request) => request.method === "GET")).toHaveLength(1);
    expect(peakConcurrency(requests)).toBeLessThanOrEqual(2);
  });

  it("reports an API whose policy ETag cannot be read as check_failed, and scans the others", async () => {
    const [broken, fine] = await deployedApis("scan-fail", 2);
    await sandbox.controls.setFaults({
      rules: [
        { kind: "serverError", status: 500, match: { methods: ["HEAD"], path: `/apis/${broken!.name}/policies` } },
      ],
    });

    const scan = await scanDrift(reader, { instanceId: sandbox.instance.id, concurrency: 4 });

    const byName = new Map(scan.apis.map((report) => [report.apimName, report]));
    expect(byName.get(broken!.name)).toMatchObject({
      status: "check_failed",
      error: expect.stringContaining("500"),
      significant: [],
    });
    expect(byName.get(fine!.name)!.status).toBe("in_sync");
  });

  it("reports an API whose last successful deployment does not read back as check_failed, and scans the others", async () => {
    const [broken, fine] = await deployedApis("scan-unreadable", 2);
    // A row changed outside Portcullis: Portcullis never records a success without its result.
    const unread = await sandbox.db.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE deployments SET result = NULL WHERE api_id = ${broken!.id}::uuid AND status = 'succeeded' RETURNING id::text`;
    const deploymentId = unread[0]!.id;

    const scan = await scanDrift(reader, { instanceId: sandbox.instance.id, concurrency: 4 });

    const byName = new Map(scan.apis.map((report) => [report.apimName, report]));
    expect(byName.get(broken!.name)).toMatchObject({
      status: "check_failed",
      error: expect.stringContaining(`deployment ${deploymentId}, field result`),
      significant: [],
      restorePlan: null,
    });
    expect(byName.get(fine!.name)!.status).toBe("in_sync");
  });

  it("is in sync right after an apply, and has no baseline before the first one", async () => {
    const [name] = await sandbox.controls.seedApis(1, { prefix: "drift-new" });
    const id = await apiIdOf(admin, sandbox.instance.id, name!);
    expect(await detectDrift(reader, { apiId: id })).toMatchObject({
      status: "not_deployed",
      baseline: null,
      restorePlan: null,
    });

    await saveProfile(admin, id, profiles.headerKey());
    const { deployment } = await planAndApply(admin, id);
    const report = await detectDrift(reader, { apiId: id });

    expect(report).toMatchObject({
      status: "in_sync",
      baseline: { deploymentId: deployment.id, profileVersion: 1 },
      significant: [],
      harmless: [],
      restorePlan: null,
    });
  });

  it("calls another writer's edit outside the managed block harmless (simulator concurrentWrite during an apply)", async () => {
    const api = await deployedApi("drift-writer");
    await saveProfile(admin, api.id, profiles.headerKey("22222222-2222-3333-4444-555555555555"));
    const plan = await createPlan(admin, { apiId: api.id });
    await sandbox.controls.setFaults({
      rules: [{ kind: "concurrentWrite", rate: 1, limit: 1, match: { methods: ["PUT"], path: "/policies/policy$" } }],
    });
    expect((await applyPlan(admin, plan.id)).status).toBe("conflicted");

    const report = await detectDrift(reader, { apiId: api.id });

    expect(report.status).toBe("changed_harmlessly");
    expect(report.significant).toEqual([]);
    expect(report.harmless).toEqual([
      expect.objectContaining({ entity: "policy", kind: "policy-edited-outside-block" }),
    ]);
    const added = report.harmless[0]!.hunks.flatMap((hunk) => hunk.lines).filter((line) => line.op === "added");
    expect(added).toEqual([
      { op: "added", text: expect.stringMatching(/^\s*<!--Changed by another writer at .*-->$/) },
    ]);
    expect(report.restorePlan).toBeNull();
  });

  it("reports a changed managed block as significant next to a harmless edit, and the restore plan puts the block back", async () => {
    const api = await deployedApi("drift-block");
    await editPolicy(api.name, (xml) =>
      xml
        .replace("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555")
        .replace("<outbound>", "<outbound>\r\n    <!-- tuned by hand -->"),
    );

    const report = await detectDrift(reader, { apiId: api.id });

    expect(report.status).toBe("drifted");
    expect(report.significant).toEqual([
      expect.objectContaining({
        kind: "managed-block-changed",
        changes: [
          {
            path: "callerAuth.clientApplicationIds",
            before: ["11111111-2222-3333-4444-555555555555"],
            after: ["99999999-2222-3333-4444-555555555555"],
          },
        ],
      }),
    ]);
    expect(report.harmless.map((difference) => difference.kind)).toEqual(["policy-edited-outside-block"]);
    expect(report.restorePlan).toEqual({ method: "POST", href: `/api/v1/apis/${api.id}/drift/plan` });

    const { plan, deployment } = await restore(api.id);
    expect(plan).toMatchObject({ purpose: "drift", profileVersion: 1 });
    expect(plan.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);
    expect(deployment.status).toBe("succeeded");
    expect((await detectDrift(reader, { apiId: api.id })).status).toBe("in_sync");
    const live = (await apim().getApiPolicy(api.name)).value!.xml;
    expect(live).toContain("11111111-2222-3333-4444-555555555555");
    expect(live).toContain("tuned by hand");
  });

  it("reports a removed and a duplicated managed block", async () => {
    const removed = await deployedApi("drift-removed");
    const duplicated = await deployedApi("drift-duplicated");
    await editPolicy(removed.name, (xml) => xml.replace(BLOCK, ""));
    await editPolicy(duplicated.name, (xml) => xml.replace("</inbound>", `${BLOCK.exec(xml)![0]}\r\n  </inbound>`));

    expect((await detectDrift(reader, { apiId: removed.id })).significant.map((difference) => difference.kind)).toEqual(
      ["managed-block-removed"],
    );
    expect(
      (await detectDrift(reader, { apiId: duplicated.id })).significant.map((difference) => difference.kind),
    ).toEqual(["managed-block-duplicated"]);
    for (const api of [removed, duplicated]) {
      expect((await restore(api.id)).deployment.status).toBe("succeeded");
      expect((await detectDrift(reader, { apiId: api.id })).status).toBe("in_sync");
    }
  });

  it("reports a backend whose managed fields changed as significant and other backend edits as harmless", async () => {
    const api = await deployedApi("drift-backend", profiles.backendKey("drift-backend-entity"), { withPolicy: false });
    const backend = (await apim().getBackend("drift-backend-entity")).value!;
    await apim().putBackend(
      "drift-backend-entity",
      { ...backend.properties, url: "https://elsewhere.example.com", description: "moved" },
      { etag: backend.etag },
    );

    const report = await detectDrift(reader, { apiId: api.id });

    expect(report.significant).toEqual([
      expect.objectContaining({
        entity: "backend",
        kind: "backend-fields-changed",
        changes: [
          { path: "url", before: "https://contoso.openai.azure.com/openai", after: "https://elsewhere.example.com" },
        ],
      }),
    ]);
    const { plan } = await restore(api.id);
    expect(plan.operations.map((operation) => operation.kind)).toEqual(["backend.update"]);
    const restored = (await apim().getBackend("drift-backend-entity")).value!;
    expect(restored.properties).toMatchObject({ url: "https://contoso.openai.azure.com/openai", description: "moved" });

    const current = (await apim().getBackend("drift-backend-entity")).value!;
    await apim().putBackend(
      "drift-backend-entity",
      { ...current.properties, description: "renamed by the platform team" },
      { etag: current.etag },
    );
    const harmless = await detectDrift(reader, { apiId: api.id });
    expect(harmless).toMatchObject({
      status: "changed_harmlessly",
      significant: [],
      harmless: [expect.objectContaining({ kind: "backend-other-fields-changed" })],
    });
  });

  it("reports a deleted backend, and the restore plan creates it again before the policy selects it", async () => {
    const api = await deployedApi("drift-deleted", profiles.backendKey("drift-deleted-entity"), { withPolicy: false });
    // APIM refuses to delete a backend a policy selects: the block goes first.
    await editPolicy(api.name, (xml) => xml.replace(BLOCK, ""));
    const backend = (await apim().getBackend("drift-deleted-entity")).value!;
    await apim().deleteBackend("drift-deleted-entity", { etag: backend.etag });

    const report = await detectDrift(reader, { apiId: api.id });

    expect(report.significant.map((difference) => difference.kind).sort()).toEqual([
      "backend-deleted",
      "managed-block-removed",
    ]);
    const { plan, deployment } = await restore(api.id);
    expect(plan.operations.map((operation) => [operation.kind, operation.expected])).toEqual([
      ["backend.create", "absent"],
      ["policy.update", { etag: expect.any(String) }],
    ]);
    expect(deployment.status).toBe("succeeded");
    expect((await detectDrift(reader, { apiId: api.id })).status).toBe("in_sync");
  });

  it("reports a missing named value, and then refuses a restore plan until it exists again", async () => {
    await apim().putNamedValue(
      "drift-key",
      { displayName: "drift-key", value: "made-up-test-key", secret: true },
      "absent",
    );
    const api = await deployedApi("drift-nv", {
      ...profiles.headerKey(),
      backendAuth: { mode: "apiKey", namedValue: "drift-key", headerName: "api-key", delivery: "setHeader" },
    });
    await editPolicy(api.name, (xml) => xml.replace(BLOCK, ""));
    const namedValue = (await apim().getNamedValue("drift-key")).value!;
    await apim().deleteNamedValue("drift-key", { etag: namedValue.etag });

    const report = await detectDrift(reader, { apiId: api.id });

    expect(report.significant).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ entity: "namedValue", name: "drift-key", kind: "named-value-missing" }),
      ]),
    );
    const refused = await createPlan(admin, { apiId: api.id, purpose: "drift" }).catch((error: unknown) => error);
    expect((refused as AppError).code).toBe("conflict");
    expect((refused as AppError).message).toContain("'drift-key'");
  });
});
