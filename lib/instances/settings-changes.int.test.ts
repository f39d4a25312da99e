import { describe, expect, it } from "vitest";
import { appErrorOf as failure } from "../../test/support/apim/app-error";
import { contextFor } from "../../test/support/request-context";
import { createProductionInstance } from "../../test/support/instance-settings";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { approveSettingsChange } from "./approve-settings-change";
import { getInstance } from "./get-instance";
import { listAwaitingApproval } from "../approvals/list-awaiting-approval";
import type { RequestContext } from "../auth/request-context";
import { rejectSettingsChange } from "./reject-settings-change";
import { updateInstanceSettings } from "./update-instance-settings";

/** What listAwaitingApproval answers for settingsChanges alone (the REST list's read). */
const listSettingsChangesAwaitingApproval = async (ctx: RequestContext) =>
  (await listAwaitingApproval(ctx, ["settingsChanges"])).settingsChanges;

const db = setupTestDatabase();
const author = contextFor("admin", { name: "Asking Admin" });
const second = contextFor("admin", { name: "Second Admin" });
const third = contextFor("admin", { name: "Third Admin" });
const automation = contextFor("admin", { type: "app", name: "pipeline" });

let instances = 0;
/** A fresh instance on production: its applies need one approval. */
const productionInstance = () => createProductionInstance(db.current.prisma, `sod-${(instances += 1)}`);

const change = (ctx: typeof author, instanceId: string, settings: Record<string, unknown>) =>
  updateInstanceSettings(ctx, { instanceId, settings });
const approvals = async (instanceId: string) => (await getInstance(author, { instanceId })).approvals;
const eventsOf = (targetId: string) =>
  db.current.prisma.auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" } });

describe("separation of duties for an instance's approval settings", () => {
  it("applies a change that raises protection at once", async () => {
    const instanceId = await productionInstance();
    const raised = await change(author, instanceId, { approvalsRequired: 2, approvalLifetimeHours: 4 });
    expect(raised.pendingChange).toBeNull();
    expect(raised.instance.approvals).toMatchObject({ required: 2, lifetimeHours: 4 });
    // Raising is allowed to automation too.
    expect((await change(automation, instanceId, { automationApprovers: false })).pendingChange).toBeNull();
  });

  it("holds a change that lowers protection until another admin approves it; the author cannot", async () => {
    const instanceId = await productionInstance();
    const asked = await change(author, instanceId, { approvalsRequired: 0 });
    expect(asked.instance.approvals.required).toBe(1);
    expect(asked.pendingChange).toMatchObject({
      status: "pending",
      lowers: ["applies would need no approval"],
      approval: { required: 1, status: "waiting", approvedBy: 0 },
    });
    const changeId = asked.pendingChange!.id;
    expect((await approvals(instanceId)).required).toBe(1);
    expect((await listSettingsChangesAwaitingApproval(second)).map((c) => c.id)).toContain(changeId);

    const own = await failure(approveSettingsChange(author, { changeId }));
    expect(own.code).toBe("forbidden");
    expect(own.message).toMatch(/author/);
    expect((await approvals(instanceId)).required).toBe(1);

    const approved = await approveSettingsChange(second, { changeId, changeHash: asked.pendingChange!.hash });
    expect(approved).toMatchObject({ status: "applied", approval: { approvedBy: 1 } });
    expect(await approvals(instanceId)).toMatchObject({ required: 0, setting: 0 });
    expect((await listSettingsChangesAwaitingApproval(second)).map((c) => c.id)).not.toContain(changeId);

    expect((await eventsOf(instanceId)).map((e) => [e.action, e.outcome])).toEqual([
      ["instance.settings.request", "success"],
      ["instance.settings", "success"],
    ]);
    expect((await eventsOf(changeId)).map((e) => [e.action, e.outcome])).toEqual([
      ["approval.approve", "denied"],
      ["approval.approve", "success"],
    ]);
    const applied = (await eventsOf(instanceId)).at(-1)!;
    expect(applied.after).toMatchObject({ approvalsRequired: 0, changeId, approvedBy: ["Second Admin"] });
  });

  it("needs as many other admins as the instance's applies need now", async () => {
    const instanceId = await productionInstance();
    await change(author, instanceId, { approvalsRequired: 2 });
    const { pendingChange } = await change(author, instanceId, { approvalLifetimeHours: 48 });
    const changeId = pendingChange!.id;
    expect(pendingChange!.lowers).toEqual(["approvals would last 48 h instead of 24 h"]);
    expect(await approveSettingsChange(second, { changeId })).toMatchObject({ status: "pending" });
    expect((await approvals(instanceId)).lifetimeHours).toBe(24);
    expect(await approveSettingsChange(third, { changeId })).toMatchObject({ status: "applied" });
    expect((await approvals(instanceId)).lifetimeHours).toBe(48);
  });

  it("refuses automation asking to lower protection, audited; its approval counts only where the instance allows it now", async () => {
    const instanceId = await productionInstance();
    const refused = await failure(change(automation, instanceId, { environment: "development" }));
    expect(refused.code).toBe("forbidden");
    expect(refused.message).toMatch(/Automation.*cannot lower/);
    expect((await getInstance(author, { instanceId })).environment).toBe("production");
    expect(await db.current.prisma.instanceSettingsChange.count({ where: { instanceId } })).toBe(0);
    expect((await eventsOf(instanceId)).map((e) => [e.action, e.outcome])).toEqual([["instance.settings", "denied"]]);

    const asked = await change(author, instanceId, { approvalsRequired: 0 });
    const byAutomation = await failure(approveSettingsChange(automation, { changeId: asked.pendingChange!.id }));
    expect(byAutomation.message).toMatch(/automation/);

    // Once the instance accepts automation's approvals (itself a lowering another admin approved), it counts.
    const allow = await change(author, instanceId, { automationApprovers: true });
    expect(asked.pendingChange!.id).not.toBe(allow.pendingChange!.id);
    await approveSettingsChange(second, { changeId: allow.pendingChange!.id });
    const again = await change(author, instanceId, { approvalsRequired: 0 });
    expect(await approveSettingsChange(automation, { changeId: again.pendingChange!.id })).toMatchObject({
      status: "applied",
    });
  });

  it("ends a change rejected with a reason; the settings stay and it cannot be approved later", async () => {
    const instanceId = await productionInstance();
    const { pendingChange } = await change(author, instanceId, { environment: "test" });
    const changeId = pendingChange!.id;
    expect((await failure(rejectSettingsChange(second, { changeId }))).code).toBe("bad_request");
    const rejected = await rejectSettingsChange(second, { changeId, reason: "Production stays production" });
    expect(rejected).toMatchObject({ status: "rejected", approval: { status: "rejected" } });
    expect((await getInstance(author, { instanceId })).environment).toBe("production");
    expect((await failure(approveSettingsChange(third, { changeId }))).code).toBe("conflict");
    const events = await eventsOf(changeId);
    expect(events.map((e) => e.action)).toEqual(["approval.reject"]);
    expect(events[0]!.after).toMatchObject({ reason: "Production stays production" });
  });

  it("lets an approval expire: an expired one no longer counts towards the change, and its expiry is audited", async () => {
    const instanceId = await productionInstance();
    await change(author, instanceId, { approvalsRequired: 2 });
    const { pendingChange } = await change(author, instanceId, { approvalsRequired: 1 });
    const changeId = pendingChange!.id;
    await approveSettingsChange(second, { changeId });
    await db.current.prisma.instanceSettingsChangeApproval.updateMany({
      where: { changeId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const afterExpiry = await approveSettingsChange(third, { changeId });
    expect(afterExpiry).toMatchObject({ status: "pending", approval: { approvedBy: 1 } });
    expect(afterExpiry.approval.decisions[0]).toMatchObject({ counts: false, notCountedBecause: "expired" });
    expect((await approvals(instanceId)).required).toBe(2);
    expect((await eventsOf(changeId)).map((e) => e.action)).toEqual([
      "approval.approve",
      "approval.expire",
      "approval.approve",
    ]);
  });

  it("splits a mixed change: the stricter part applies at once, only the lowering part waits, both audited", async () => {
    const instanceId = await productionInstance();
    const update = await change(author, instanceId, { approvalsRequired: 2, automationApprovers: true });
    expect(update.appliedNow).toEqual(["approvalsRequired"]);
    expect(update.instance.approvals).toMatchObject({ required: 2, automationApprovers: false });
    expect(update.pendingChange).toMatchObject({
      status: "pending",
      before: { approvalsRequired: 2, automationApprovers: false },
      after: { approvalsRequired: 2, automationApprovers: true },
      lowers: ["automation's approvals would count"],
    });
    const instanceEvents = (await eventsOf(instanceId)).map((e) => [e.action, e.after]);
    expect(instanceEvents).toEqual([
      ["instance.settings", { approvalsRequired: 2 }],
      [
        "instance.settings.request",
        expect.objectContaining({ automationApprovers: true, changeHash: update.pendingChange!.hash }),
      ],
    ]);
    // The lowering part needs what the instance needs now: two other admins.
    const changeId = update.pendingChange!.id;
    expect(await approveSettingsChange(second, { changeId })).toMatchObject({ status: "pending" });
    expect(await approveSettingsChange(third, { changeId })).toMatchObject({ status: "applied" });
    expect(await approvals(instanceId)).toMatchObject({ required: 2, automationApprovers: true });

    // Automation may not ask for the lowering part, so nothing of a mixed change applies for it.
    const other = await productionInstance();
    const refused = await failure(change(automation, other, { approvalsRequired: 2, approvalLifetimeHours: 48 }));
    expect(refused.code).toBe("forbidden");
    expect(await approvals(other)).toMatchObject({ required: 1, lifetimeHours: 24 });
  });

  it("supersedes a pending change when protection is raised meanwhile", async () => {
    const instanceId = await productionInstance();
    const { pendingChange } = await change(author, instanceId, { approvalsRequired: 0 });
    expect((await change(second, instanceId, { approvalsRequired: 2 })).pendingChange).toBeNull();
    expect((await failure(approveSettingsChange(third, { changeId: pendingChange!.id }))).message).toMatch(
      /superseded/,
    );
    expect((await approvals(instanceId)).required).toBe(2);
  });
});
