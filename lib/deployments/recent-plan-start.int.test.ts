import { afterEach, describe, expect, it, vi } from "vitest";
import { listAuditEvents } from "../audit/list-audit-events";
import { planOnFreshApi } from "../../test/support/deployment-fixtures";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { approvePlan } from "./approve-plan";
import { getPlan } from "./get-plan";
import { readPlanToStart } from "./plan/read-plan-to-start";
import { startDeployment } from "./start-deployment";
import { appErrorOf } from "../../test/support/app-error";

// Every read of a plan to start goes through readPlanToStart: counted, not changed.
vi.mock("./plan/read-plan-to-start", async (importOriginal) => {
  const actual = await importOriginal<typeof import("./plan/read-plan-to-start")>();
  return { ...actual, readPlanToStart: vi.fn(actual.readPlanToStart) };
});

/**
 * A plan this process just stored is started without reading it back (plan/recent-plans.ts), and
 * only while the database still holds what a read would give: any change since — of its row, of
 * its API's or its instance's, a decision on it — and the start reads the plan and judges it.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const approver = contextFor("admin", { name: "Other Admin" });
const reads = vi.mocked(readPlanToStart);
const readsOf = (planId: string) => reads.mock.calls.filter(([id]) => id === planId).length;
const settings = (value: Record<string, unknown>) => changeInstanceSettings(sandbox.instance.id, value);

afterEach(async () => {
  await settings({ environment: null, approvalsRequired: null });
});

let apis = 0;

/** A plan with something to write on a fresh API (planOnFreshApi). */
async function newPlan() {
  apis += 1;
  return planOnFreshApi(sandbox, admin, `recent-plan-${apis}`);
}

const startEventOf = async (deploymentId: string) =>
  (await listAuditEvents(contextFor("reviewer"), { target: `deployment:${deploymentId}`, action: "deployment.start" }))
    .items;

describe("starting a plan this process just stored", () => {
  it("starts it without reading it back, as reading it would, and reads it when started again", async () => {
    const plan = await newPlan();
    const { deployment, run } = await startDeployment(admin, { planId: plan.id });
    expect(readsOf(plan.id)).toBe(0);
    expect(deployment).toMatchObject({ status: "running", planId: plan.id });
    expect((await run()).status).toBe("succeeded");

    // What the start recorded is what the stored plan says.
    const stored = await getPlan(admin, { planId: plan.id });
    const [started] = await startEventOf(deployment.id);
    expect(started?.after).toEqual({
      planId: plan.id,
      planHash: stored.hash,
      apiId: stored.apiId,
      steps: stored.operations.length,
      summary: stored.diff.summary,
      approval: { required: 0, approvedBy: [] },
    });

    // Kept for one start: a second reads what the first left, and skips what it did.
    const again = await startDeployment(admin, { planId: plan.id });
    expect(readsOf(plan.id)).toBe(1);
    const rerun = await again.run();
    expect(rerun.status).toBe("succeeded");
    expect(rerun.steps.every((step) => step.status === "skipped")).toBe(true);
  });

  it("reads the plan when its row changed since it was stored, and judges what it holds now", async () => {
    const plan = await newPlan();
    const row = await sandbox.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    const diff = row.diff as { lint: { findings: unknown[] } };
    diff.lint.findings.push({ code: "injected", severity: "error", message: "Injected.", line: 1, column: 1 });
    await sandbox.db.prisma.plan.update({ where: { id: plan.id }, data: { diff: diff as object } });

    const refused = await appErrorOf(startDeployment(admin, { planId: plan.id }));
    expect(readsOf(plan.id)).toBe(1);
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain("injected (line 1): Injected.");
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: plan.id } })).toBe(0);
  });

  it("reads the plan when its instance's settings changed since, and refuses it without the approval now required", async () => {
    const plan = await newPlan();
    await settings({ approvalsRequired: 1 });

    const refused = await appErrorOf(startDeployment(admin, { planId: plan.id }));
    expect(readsOf(plan.id)).toBe(1);
    expect(refused.code).toBe("approval-required");
    expect(refused.details).toMatchObject({ planHash: plan.hash, approvalsRequired: 1, approvedBy: 0 });
    expect(await sandbox.db.prisma.deployment.count({ where: { planId: plan.id } })).toBe(0);
  });

  it("reads the plan when a decision on it was recorded since, even with the settings back as they were", async () => {
    const plan = await newPlan();
    await settings({ approvalsRequired: 1 });
    await approvePlan(approver, { planId: plan.id, planHash: plan.hash });
    await settings({ approvalsRequired: null });

    const { deployment, run } = await startDeployment(admin, { planId: plan.id });
    expect(readsOf(plan.id)).toBe(1);
    expect((await run()).status).toBe("succeeded");
    // Judged by what was read: the approval it holds is recorded, which the plan as stored had not.
    const [started] = await startEventOf(deployment.id);
    expect(started?.after).toMatchObject({ approval: { required: 0, approvedBy: [{ name: "Other Admin" }] } });
  });

  it("reads the plan when its API's row changed since it was stored", async () => {
    const plan = await newPlan();
    await sandbox.db.prisma.api.update({ where: { id: plan.apiId }, data: { displayName: "Renamed since" } });

    const { run } = await startDeployment(admin, { planId: plan.id });
    expect(readsOf(plan.id)).toBe(1);
    expect((await run()).status).toBe("succeeded");
  });
});
