import { beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents } from "../audit/list-audit-events";
import type { RequestContext } from "../auth/request-context";
import type { Prisma } from "../db";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { planOnFreshApi } from "../../test/support/deployment-fixtures";
import { approvePlan } from "./approve-plan";
import { createPlan } from "./create-plan";
import { getPlan } from "./get-plan";
import { listAwaitingApproval } from "../approvals/list-awaiting-approval";
import { rejectPlan } from "./reject-plan";
import { startDeployment } from "./start-deployment";
import { appErrorOf } from "../../test/support/app-error";

/** What listAwaitingApproval answers for plans alone (the REST list's read). */
const listPlansAwaitingApproval = async (ctx: RequestContext) => (await listAwaitingApproval(ctx, ["plans"])).plans;

const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Plan Author" });
const second = contextFor("admin", { name: "Second Admin" });
const third = contextFor("admin", { name: "Third Admin" });
const automation = contextFor("admin", { type: "app", name: "pipeline" });

const settings = (value: Record<string, unknown>) => changeInstanceSettings(sandbox.instance.id, value);

let apis = 0;

/** A plan with something to write, by `by`, on a fresh API (planOnFreshApi). */
async function newPlan(by: RequestContext = author) {
  apis += 1;
  return planOnFreshApi(sandbox, by, `four-eyes-${apis}`);
}

const apply = async (ctx: RequestContext, planId: string) => (await startDeployment(ctx, { planId })).run();

describe("instance approval settings", () => {
  it("need no approval by default, one on production, and keep what is set explicitly", async () => {
    const registered = await settings({ environment: "development" });
    expect(registered.approvals).toEqual({ required: 0, setting: null, automationApprovers: false, lifetimeHours: 24 });
    expect((await settings({ environment: "production" })).approvals.required).toBe(1);
    expect((await settings({ approvalsRequired: 0 })).approvals).toMatchObject({ required: 0, setting: 0 });
    expect((await settings({ approvalsRequired: null })).approvals).toMatchObject({ required: 1, setting: null });
    const refused = await appErrorOf(settings({ approvalsRequired: 3 }));
    expect(refused.code).toBe("bad_request");
    expect(refused.fields[0]?.path).toContain("approvalsRequired");
    expect(
      (
        await appErrorOf(
          updateInstanceSettings(contextFor("reader"), {
            instanceId: sandbox.instance.id,
            settings: { environment: "test" },
          }),
        )
      ).code,
    ).toBe("forbidden");
  });
});

describe("four-eyes approval of applies", () => {
  beforeAll(async () => {
    await settings({ environment: "production", approvalsRequired: null, automationApprovers: false });
  });

  it("refuses the apply until an admin other than the author approves; the author cannot approve", async () => {
    const plan = await newPlan();
    expect(plan.approval).toMatchObject({ required: 1, status: "waiting", approvedBy: 0 });
    const refused = await appErrorOf(startDeployment(author, { planId: plan.id }));
    expect(refused.code).toBe("approval-required");
    expect(refused.details).toMatchObject({ planHash: plan.hash, approvalsRequired: 1, approvedBy: 0 });

    expect((await appErrorOf(approvePlan(author, { planId: plan.id }))).code).toBe("forbidden");
    const approved = await approvePlan(second, { planId: plan.id, planHash: plan.hash });
    expect(approved.approval).toMatchObject({ status: "approved", approvedBy: 1 });
    expect(approved.approval.decisions[0]).toMatchObject({ actor: { name: "Second Admin" }, planHash: plan.hash });

    expect((await apply(author, plan.id)).status).toBe("succeeded");
    // Every step of the story carries the plan hash, so the audit history can be filtered by it.
    const events = await listAuditEvents(contextFor("reviewer"), { planHash: plan.hash });
    expect(events.items.map((event) => [event.action, event.outcome]).reverse()).toEqual([
      ["plan.create", "success"],
      ["approval.request", "success"],
      ["deployment.refuse", "denied"],
      ["approval.approve", "denied"],
      ["approval.approve", "success"],
      ["deployment.start", "success"],
    ]);
  });

  it("needs two different admins when two are required", async () => {
    await settings({ approvalsRequired: 2 });
    try {
      const plan = await newPlan();
      await approvePlan(second, { planId: plan.id });
      await approvePlan(second, { planId: plan.id });
      expect((await appErrorOf(startDeployment(author, { planId: plan.id }))).message).toMatch(/2 approvals.*1 more/);
      await approvePlan(third, { planId: plan.id });
      expect((await apply(author, plan.id)).status).toBe("succeeded");
    } finally {
      await settings({ approvalsRequired: null });
    }
  });

  it("voids approvals when the plan's content changes", async () => {
    const plan = await newPlan();
    await approvePlan(second, { planId: plan.id });
    // Anything that would change the plan — here an ETag it read — changes its hash.
    const row = await sandbox.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    const operations = structuredClone(row.operations) as Prisma.InputJsonObject[];
    operations[operations.length - 1] = { ...operations.at(-1), expected: { etag: '"changed"' } };
    await sandbox.db.prisma.plan.update({ where: { id: plan.id }, data: { operations } });

    const changed = await getPlan(author, { planId: plan.id });
    expect(changed.hash).not.toBe(plan.hash);
    expect(changed.approval.decisions[0]).toMatchObject({ counts: false, notCountedBecause: "plan-changed" });
    expect((await appErrorOf(startDeployment(author, { planId: plan.id }))).code).toBe("approval-required");
    // An approver who reviewed the old content is told it changed.
    expect((await appErrorOf(approvePlan(third, { planId: plan.id, planHash: plan.hash }))).code).toBe("conflict");
  });

  it("lets approvals expire, and records the expiry once", async () => {
    const plan = await newPlan();
    await approvePlan(second, { planId: plan.id });
    await sandbox.db.prisma.planApproval.updateMany({
      where: { planId: plan.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await getPlan(author, { planId: plan.id })).approval.decisions[0]?.notCountedBecause).toBe("expired");
    expect((await appErrorOf(startDeployment(author, { planId: plan.id }))).code).toBe("approval-required");
    await appErrorOf(startDeployment(author, { planId: plan.id }));
    const expiries = await listAuditEvents(contextFor("reviewer"), { planHash: plan.hash, action: "approval.expire" });
    expect(expiries.items).toHaveLength(1);
    expect(expiries.items[0]?.actor.name).toBe("Portcullis");
  });

  it("counts automation's approval only where the instance allows automation approvers", async () => {
    const plan = await newPlan();
    expect((await appErrorOf(approvePlan(automation, { planId: plan.id }))).code).toBe("forbidden");
    await settings({ automationApprovers: true });
    try {
      expect((await approvePlan(automation, { planId: plan.id })).approval.status).toBe("approved");
      // A plan automation made can be applied by automation once a person approved it.
      const byPipeline = await newPlan(automation);
      await approvePlan(second, { planId: byPipeline.id });
      expect((await apply(automation, byPipeline.id)).status).toBe("succeeded");
    } finally {
      await settings({ automationApprovers: false });
    }
    // Turned off again: automation's earlier approval no longer counts.
    expect((await getPlan(author, { planId: plan.id })).approval).toMatchObject({ status: "waiting", approvedBy: 0 });
  });

  it("refuses to apply a rejected plan, whatever approvals it has", async () => {
    const plan = await newPlan();
    await approvePlan(second, { planId: plan.id });
    expect((await appErrorOf(rejectPlan(third, { planId: plan.id, reason: "  " }))).code).toBe("bad_request");
    const rejected = await rejectPlan(third, { planId: plan.id, reason: "Wrong tenant for production" });
    expect(rejected.approval.status).toBe("rejected");
    const refused = await appErrorOf(startDeployment(author, { planId: plan.id }));
    expect(refused.code).toBe("approval-required");
    expect(refused.message).toContain("Wrong tenant for production");
  });

  it("lists the latest plan of each API that waits for approval, not approved, superseded or rejected ones", async () => {
    const waiting = await newPlan();
    const approved = await newPlan();
    await approvePlan(second, { planId: approved.id });
    const rejected = await newPlan();
    await rejectPlan(second, { planId: rejected.id, reason: "no" });
    const superseded = await newPlan();
    const newer = await createPlan(author, { apiId: superseded.apiId });
    const listed = (await listPlansAwaitingApproval(contextFor("reader"))).map((plan) => plan.planId);
    expect(listed).toEqual(expect.arrayContaining([waiting.id, newer.id]));
    for (const id of [approved.id, rejected.id, superseded.id]) expect(listed).not.toContain(id);
    const mine = (await listPlansAwaitingApproval(author)).find((plan) => plan.planId === waiting.id);
    expect(mine).toMatchObject({ ownPlan: true, hash: waiting.hash, approval: { required: 1, approvedBy: 0 } });
  });

  it("lets readers see the state but not decide", async () => {
    const plan = await newPlan();
    expect((await appErrorOf(approvePlan(contextFor("reviewer"), { planId: plan.id }))).code).toBe("forbidden");
    expect((await getPlan(contextFor("reader"), { planId: plan.id })).approval.status).toBe("waiting");
  });
});
