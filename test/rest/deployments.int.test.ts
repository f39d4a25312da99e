import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as deploymentsOfApi from "../../app/api/v1/apis/[id]/deployments/route";
import * as restorePlan from "../../app/api/v1/apis/[id]/drift/plan/route";
import * as drift from "../../app/api/v1/apis/[id]/drift/route";
import * as plans from "../../app/api/v1/apis/[id]/plans/route";
import * as deployment from "../../app/api/v1/deployments/[id]/route";
import * as apply from "../../app/api/v1/plans/[id]/apply/route";
import * as plan from "../../app/api/v1/plans/[id]/route";
import { apimClientForInstance } from "../../lib/apim/client-for-instance";
import { callRoute } from "../support/call-route";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";
import type { DeploymentView, DriftReport, PlanView } from "../../lib/deployments/schemas";
import { apiIdOf, profiles, saveProfile } from "../support/deployment-fixtures";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
let automation = "";
let reader = "";
let reviewer = "";

beforeAll(async () => {
  automation = await sandbox.tokens.automation();
  reader = await sandbox.tokens.user("reader");
  reviewer = await sandbox.tokens.user("reviewer");
});

async function newApi(prefix: string, profile = profiles.headerKey()): Promise<{ id: string; name: string }> {
  const [name] = await sandbox.controls.seedApis(1, { prefix });
  const id = await apiIdOf(admin, sandbox.instance.id, name!);
  await saveProfile(admin, id, profile);
  return { id, name: name! };
}

const post = (handler: typeof plans.POST, path: string, id: string, token: string) =>
  callRoute(handler, { path, method: "POST", token, params: { id } });

async function finished(id: string): Promise<DeploymentView> {
  for (;;) {
    const { body } = await callRoute(deployment.GET, { path: `/deployments/${id}`, token: reader, params: { id } });
    if (!["queued", "running"].includes((body as DeploymentView).status)) return body as DeploymentView;
    await sleep(20);
  }
}

describe("REST: plans, deployments and drift", () => {
  it("makes a plan (201 + Location), applies it (202 + Location) and serves the finished deployment", async () => {
    const api = await newApi("rest-apply");

    const created = await post(plans.POST, `/apis/${api.id}/plans`, api.id, automation);
    expect(created.status).toBe(201);
    const planBody = created.body as PlanView;
    expect(created.headers.get("location")).toBe(`/api/v1/plans/${planBody.id}`);
    expect(planBody).toMatchObject({
      apiId: api.id,
      purpose: "profile",
      empty: false,
      operations: [{ kind: "policy.update" }],
    });
    expect(
      (await callRoute(plan.GET, { path: `/plans/${planBody.id}`, token: reader, params: { id: planBody.id } })).body,
    ).toEqual(planBody);

    const applied = await post(apply.POST, `/plans/${planBody.id}/apply`, planBody.id, automation);
    expect(applied.status).toBe(202);
    const queued = applied.body as DeploymentView;
    expect(applied.headers.get("location")).toBe(`/api/v1/deployments/${queued.id}`);
    // Started: the API's lock was free, so the run's claim was made with it (lib/deployments/README.md).
    expect(queued).toMatchObject({ status: "running", planId: planBody.id, steps: [{ seq: 1, status: "running" }] });

    const done = await finished(queued.id);
    expect(done).toMatchObject({ status: "succeeded", steps: [{ status: "succeeded", httpStatus: 200 }] });
    const page = await callRoute(deploymentsOfApi.GET, {
      path: `/apis/${api.id}/deployments?limit=1`,
      token: reader,
      params: { id: api.id },
    });
    expect(page.body).toEqual({ items: [done], nextCursor: null });
  });

  it("answers 403 to readers and reviewers on every change, 409 naming a missing named value, 404 and 400 for bad ids", async () => {
    const api = await newApi("rest-refusals");
    const planned = (await post(plans.POST, `/apis/${api.id}/plans`, api.id, automation)).body as PlanView;
    for (const token of [reader, reviewer]) {
      expect((await post(plans.POST, `/apis/${api.id}/plans`, api.id, token)).status).toBe(403);
      expect((await post(apply.POST, `/plans/${planned.id}/apply`, planned.id, token)).status).toBe(403);
      expect((await post(restorePlan.POST, `/apis/${api.id}/drift/plan`, api.id, token)).status).toBe(403);
    }
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: planned.id } })).toBe(0);

    const missing = await newApi("rest-missing", {
      ...profiles.headerKey(),
      backendAuth: { mode: "apiKey", namedValue: "nobody-created-this", headerName: "api-key", delivery: "setHeader" },
    });
    const refused = await post(plans.POST, `/apis/${missing.id}/plans`, missing.id, automation);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect((refused.body as { detail: string }).detail).toContain("'nobody-created-this'");

    const unknown = "00000000-0000-4000-8000-000000000000";
    expect(
      (await callRoute(plan.GET, { path: `/plans/${unknown}`, token: reader, params: { id: unknown } })).status,
    ).toBe(404);
    expect(
      (await callRoute(deployment.GET, { path: "/deployments/x", token: reader, params: { id: "not-a-guid" } })).body,
    ).toMatchObject({ status: 400, errors: [{ path: "path.id" }] });
  });

  it("makes a blocked plan when another statement would undo the profile, and answers 409 effective-access-blocked to its apply", async () => {
    // The seed's hand-written backend selection runs after the Portcullis block's and replaces it.
    const api = await newApi("rest-undone", profiles.backendKey("rest-undone-backend"));
    const created = await post(plans.POST, `/apis/${api.id}/plans`, api.id, automation);
    expect(created.status).toBe(201);
    const planned = created.body as PlanView;
    expect(planned.blocked).toBe(true);
    expect(planned.diff.effectiveAccess!.findings.map((finding) => [finding.code, finding.severity])).toContainEqual([
      "managed-backend-overridden",
      "blocking",
    ]);

    const refused = await post(apply.POST, `/plans/${planned.id}/apply`, planned.id, automation);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body).toMatchObject({
      status: 409,
      code: "effective-access-blocked",
      detail: expect.stringContaining(`managed-backend-overridden (api policy ${api.name}, line `),
      findings: [expect.objectContaining({ code: "managed-backend-overridden", scope: "api", scopeId: api.name })],
    });
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: planned.id } })).toBe(0);
  });

  it("reports drift and makes a restore plan that brings the managed block back", async () => {
    const api = await newApi("rest-drift");
    const planned = (await post(plans.POST, `/apis/${api.id}/plans`, api.id, automation)).body as PlanView;
    await finished(
      ((await post(apply.POST, `/plans/${planned.id}/apply`, planned.id, automation)).body as DeploymentView).id,
    );
    const apim = apimClientForInstance(sandbox.instance);
    const live = (await apim.getApiPolicy(api.name)).value!;
    await apim.putApiPolicy(
      api.name,
      live.xml.replace("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555"),
      { etag: live.etag },
    );

    const report = (
      await callRoute(drift.GET, { path: `/apis/${api.id}/drift`, token: reader, params: { id: api.id } })
    ).body as DriftReport;
    expect(report).toMatchObject({
      status: "drifted",
      significant: [{ kind: "managed-block-changed" }],
      restorePlan: { method: "POST", href: `/api/v1/apis/${api.id}/drift/plan` },
    });

    const restore = await post(restorePlan.POST, `/apis/${api.id}/drift/plan`, api.id, automation);
    expect(restore.status).toBe(201);
    const restoring = restore.body as PlanView;
    expect(restoring).toMatchObject({
      purpose: "drift",
      operations: [{ kind: "policy.update", expected: { etag: expect.any(String) } }],
    });
    const done = await finished(
      ((await post(apply.POST, `/plans/${restoring.id}/apply`, restoring.id, automation)).body as DeploymentView).id,
    );
    expect(done.status).toBe("succeeded");
    expect(
      (
        (await callRoute(drift.GET, { path: `/apis/${api.id}/drift`, token: reader, params: { id: api.id } }))
          .body as DriftReport
      ).status,
    ).toBe("in_sync");
  });
});
