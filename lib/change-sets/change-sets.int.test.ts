import { changeInstanceSettings } from "../../test/support/instance-settings";
import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../audit/list-audit-events";
import { planContentHash } from "../deployments/plan/plan-hash";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { profiles, saveProfile, seededApis } from "../../test/support/deployment-fixtures";
import { cloudEventSchema } from "../notifications/cloud-event";
import { registerWebhook } from "../notifications/register-webhook";
import { approveChangeSet } from "./approve-change-set";
import { cancelChangeSet } from "./cancel-change-set";
import { createChangeSet } from "./create-change-set";
import { createProfilesChangeSet } from "./create-profiles-change-set";
import { getChangeSet } from "./get-change-set";
import { rejectChangeSet } from "./reject-change-set";
import { resumeChangeSets } from "./resume-change-sets";
import { startChangeSetApply } from "./start-change-set-apply";

/**
 * Change sets against the simulator: one change to many seeded APIs, ARM faults on some, re-runs,
 * cancellation, a process that stops mid-apply, and the set's one approval.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin", { name: "Set Author" });
const admin2 = contextFor("admin", { name: "Second Admin" });
const NEW_CLIENT = "99999999-2222-3333-4444-555555555555";
const addClient = { op: "addClientApplication", clientApplicationId: NEW_CLIENT } as const;

/** Deployments of each plan of the set: how many times each API was applied. */
async function deploymentsPerPlan(planIds: string[]): Promise<Map<string, number>> {
  const rows = await sandbox.db.prisma.deployment.groupBy({
    by: ["planId"],
    where: { planId: { in: planIds } },
    _count: true,
  });
  return new Map(rows.map((row) => [row.planId, row._count]));
}

/** Waits (no time limit of its own: the test's) until the API at `position` of the set is running. */
async function untilRunning(changeSetId: string, apiId: string): Promise<void> {
  for (;;) {
    const item = await sandbox.db.prisma.changeSetItem.findUnique({
      where: { changeSetId_apiId: { changeSetId, apiId } },
    });
    if (item?.status === "running") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("a change set over 50 APIs", () => {
  it(
    "applies past the APIs ARM fails, reports them, and a re-run applies only those",
    { timeout: 300_000 },
    async () => {
      const ids = await seededApis(sandbox, admin, "cs", 50);
      const created = await createChangeSet(admin, { apiIds: ids, change: addClient });
      expect(created.title).toBe(`Add client application ${NEW_CLIENT}`);
      expect(created.progress).toMatchObject({ total: 50, done: 0, counts: { planned: 50 } });
      expect(created.approval.status).toBe("not_required");
      const planIds = created.items.map((item) => item.planId!);
      expect(new Set(planIds).size).toBe(50);

      // Every write of three APIs' policies fails (the retries too).
      await sandbox.controls.setFaults({
        rules: [
          { kind: "serverError", status: 500, match: { methods: ["PUT"], path: "/apis/cs-(3|17|42)/policies/" } },
        ],
      });
      const first = await startChangeSetApply(admin, { changeSetId: created.id });
      expect(first.changeSet.status).toBe("applying");
      await first.run();
      await sandbox.controls.clearFaults();

      const afterFirst = await getChangeSet(admin, { changeSetId: created.id });
      expect(afterFirst.status).toBe("finished");
      expect(afterFirst.progress).toMatchObject({ total: 50, done: 50, counts: { succeeded: 47, failed: 3 } });
      // Failures first, each saying what went wrong.
      expect(
        afterFirst.items
          .slice(0, 3)
          .map((item) => item.apimName)
          .sort(),
      ).toEqual(["cs-17", "cs-3", "cs-42"]);
      for (const item of afterFirst.items.slice(0, 3)) {
        expect(item.status).toBe("failed");
        expect(item.error).toMatch(/failed/);
        expect(item.deploymentId).not.toBeNull();
      }

      const second = await startChangeSetApply(admin, { changeSetId: created.id });
      expect(second.changeSet.progress.counts).toMatchObject({ queued: 3, succeeded: 47 });
      await second.run();
      const afterSecond = await getChangeSet(admin, { changeSetId: created.id });
      expect(afterSecond.progress.counts).toEqual({ succeeded: 50 });

      // The re-run touched only the three that failed.
      const applied = await deploymentsPerPlan(planIds);
      const failedPlans = new Set(afterFirst.items.slice(0, 3).map((item) => item.planId));
      for (const planId of planIds)
        expect([planId, applied.get(planId)]).toEqual([planId, failedPlans.has(planId) ? 2 : 1]);

      // The new client is let in by every API's policy.
      const policy = await sandbox.db.prisma.deployment.findFirst({
        where: { planId: planIds[2], status: "succeeded" },
        select: { result: true },
      });
      expect(JSON.stringify(policy?.result)).toContain(NEW_CLIENT);

      await expect(startChangeSetApply(admin, { changeSetId: created.id })).rejects.toMatchObject({ code: "conflict" });
      const events = await sandbox.db.prisma.auditEvent.findMany({
        where: { targetType: "change_set", targetId: created.id },
        orderBy: { seq: "asc" },
        select: { action: true },
      });
      expect(events.map((event) => event.action)).toEqual([
        "change_set.create",
        "change_set.apply.start",
        "change_set.apply.finish",
        "change_set.apply.start",
        "change_set.apply.finish",
      ]);
    },
  );

  it("blocks, naming the reason, the APIs the change does not fit, and plans the ones whose saved profile says it already", async () => {
    const [fits, open, already] = await seededApis(sandbox, admin, "cs-fit", 3);
    await saveProfile(admin, open!, profiles.none());
    await saveProfile(admin, already!, profiles.headerKey(NEW_CLIENT));
    const set = await createChangeSet(admin, { apiIds: [fits, open, already], change: addClient });
    const byApi = new Map(set.items.map((item) => [item.apiId, item]));
    expect(byApi.get(fits!)).toMatchObject({ status: "planned", blocking: [] });
    expect(byApi.get(open!)).toMatchObject({
      status: "blocked",
      planId: null,
      blocking: [{ code: "change-refused", message: expect.stringContaining("caller auth none") }],
    });
    // Its saved profile already has the client, but APIM never got it: nothing saved, still planned.
    expect(byApi.get(already!)).toMatchObject({
      status: "planned",
      summary: expect.stringContaining("Saved earlier as version 2, not applied yet"),
    });
    expect(await sandbox.db.prisma.accessProfileVersion.count({ where: { apiId: already! } })).toBe(2);
    expect(set.progress.total).toBe(2);
    expect(set.items[0]?.status).toBe("blocked");
  });

  it("plans a profile saved by an earlier set and never applied; unchanged once APIM has it", async () => {
    const [api] = await seededApis(sandbox, admin, "cs-unapplied", 1);
    const desired = { apiId: api!, profile: profiles.headerKey(NEW_CLIENT) };
    const first = await createProfilesChangeSet(admin, { profiles: [desired] });
    expect(first.items[0]).toMatchObject({ status: "planned" });
    const versions = () => sandbox.db.prisma.accessProfileVersion.count({ where: { apiId: api! } });
    expect(await versions()).toBe(2);

    // Not applied: asked again, the same profile is not saved again but is planned against APIM.
    const second = await createProfilesChangeSet(admin, { profiles: [desired] });
    expect(second.items[0]).toMatchObject({
      status: "planned",
      blocking: [],
      summary: expect.stringContaining("Saved earlier as version 2, not applied yet"),
    });
    expect(second.items[0]?.planId).not.toBe(first.items[0]?.planId);
    expect(await versions()).toBe(2);

    const { run } = await startChangeSetApply(admin, { changeSetId: second.id });
    await run();
    expect((await getChangeSet(admin, { changeSetId: second.id })).progress.counts).toEqual({ succeeded: 1 });
    const third = await createProfilesChangeSet(admin, { profiles: [desired] });
    expect(third.items[0]).toMatchObject({ status: "unchanged", blocking: [] });
    expect(await versions()).toBe(2);
  });

  it("refuses an unknown API and a change a profile could not hold, naming the field", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expect(createChangeSet(admin, { apiIds: [unknown], change: addClient })).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining(unknown),
    });
    await expect(
      createChangeSet(admin, { apiIds: [unknown], change: { op: "addClientApplication", clientApplicationId: "x" } }),
    ).rejects.toMatchObject({ message: expect.stringContaining("change.clientApplicationId") });
  });
});

describe("cancelling and resuming a change set", () => {
  it(
    "cancels between APIs: the running one finishes, the rest are cancelled, and a re-run applies them",
    { timeout: 120_000 },
    async () => {
      const ids = await seededApis(sandbox, admin, "cs-cancel", 6);
      const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
      // The third API's write is slow, so the apply is surely on it when the cancel comes.
      await sandbox.controls.setFaults({
        rules: [{ kind: "latency", ms: 1500, match: { methods: ["PUT"], path: "/apis/cs-cancel-3/policies/" } }],
      });
      const started = await startChangeSetApply(admin, { changeSetId: set.id });
      const running = started.run({ concurrency: 1 });
      await untilRunning(set.id, ids[2]!);
      const cancelling = await cancelChangeSet(admin2, { changeSetId: set.id });
      expect(cancelling.status).toBe("cancelling");
      expect(cancelling.progress.counts).toMatchObject({ succeeded: 2, running: 1, cancelled: 3 });
      await running;
      await sandbox.controls.clearFaults();

      const cancelled = await getChangeSet(admin, { changeSetId: set.id });
      expect(cancelled.status).toBe("cancelled");
      expect(cancelled.progress.counts).toEqual({ succeeded: 3, cancelled: 3 });

      await (await startChangeSetApply(admin, { changeSetId: set.id })).run();
      const done = await getChangeSet(admin, { changeSetId: set.id });
      expect(done.progress.counts).toEqual({ succeeded: 6 });
      const applied = await deploymentsPerPlan(done.items.map((item) => item.planId!));
      expect([...applied.values()]).toEqual([1, 1, 1, 1, 1, 1]);
      const cancelEvents = await listAuditEvents(contextFor("reviewer"), { action: "change_set.cancel" });
      expect(
        cancelEvents.items.some((event) => event.target.id === set.id && event.actor.name === "Second Admin"),
      ).toBe(true);
    },
  );

  it(
    "resumes after the applying process stopped: a new run applies what is left, nothing twice",
    { timeout: 120_000 },
    async () => {
      const ids = await seededApis(sandbox, admin, "cs-resume", 6);
      const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
      await sandbox.controls.setFaults({
        rules: [{ kind: "latency", ms: 1500, match: { methods: ["PUT"], path: "/apis/cs-resume-3/policies/" } }],
      });
      const started = await startChangeSetApply(admin, { changeSetId: set.id });
      const first = started.run({ concurrency: 1 });
      await untilRunning(set.id, ids[2]!);
      // The process stops: its lease is gone (as once expired), so it starts no further API.
      await sandbox.db.prisma.changeSet.update({
        where: { id: set.id },
        data: { leaseOwner: "a-process-that-stopped", leaseExpiresAt: new Date(Date.now() - 1000) },
      });
      await first;
      await sandbox.controls.clearFaults();
      const stopped = await getChangeSet(admin, { changeSetId: set.id });
      expect(stopped.status).toBe("applying");
      expect(stopped.progress.counts).toEqual({ succeeded: 3, queued: 3 });

      // Another process's scheduler finds the set nobody holds and applies the rest.
      const runs = await resumeChangeSets(new Date());
      expect(runs).toHaveLength(1);
      await Promise.all(runs);
      const resumed = await getChangeSet(admin, { changeSetId: set.id });
      expect(resumed.status).toBe("finished");
      expect(resumed.progress.counts).toEqual({ succeeded: 6 });
      const applied = await deploymentsPerPlan(resumed.items.map((item) => item.planId!));
      expect([...applied.values()]).toEqual([1, 1, 1, 1, 1, 1]);
      expect(await resumeChangeSets(new Date())).toHaveLength(0);
    },
  );

  it("has each API's deployment.start in the chain, once and before its deployment.finish, when the apply returns", async () => {
    const ids = await seededApis(sandbox, admin, "cs-chained", 4);
    const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
    await (await startChangeSetApply(admin, { changeSetId: set.id })).run({ concurrency: 4 });
    const done = await getChangeSet(admin, { changeSetId: set.id });
    expect(done.progress.counts).toEqual({ succeeded: 4 });
    const deploymentIds = done.items.map((item) => item.deploymentId!);
    // Read as stored, without the chaining a list does first.
    const chained = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: { in: deploymentIds }, action: { in: ["deployment.start", "deployment.finish"] } },
      orderBy: { seq: "asc" },
    });
    for (const id of deploymentIds)
      expect(chained.filter((event) => event.targetId === id).map((event) => event.action)).toEqual([
        "deployment.start",
        "deployment.finish",
      ]);
    expect(await sandbox.db.prisma.auditPending.count({ where: { targetId: { in: deploymentIds } } })).toBe(0);
  });

  it("refuses to apply a set one of whose plan rows changed since it was made, and applies nothing", async () => {
    const ids = await seededApis(sandbox, admin, "cs-tampered", 3);
    const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
    const tamperedPlanId = set.items[2]!.planId!;
    const plan = await sandbox.db.prisma.plan.findUniqueOrThrow({ where: { id: tamperedPlanId } });
    const diff = plan.diff as { summary: string };
    await sandbox.db.prisma.plan.update({
      where: { id: tamperedPlanId },
      data: { diff: { ...diff, summary: `${diff.summary} (edited outside Portcullis)` } },
    });

    await expect(startChangeSetApply(admin, { changeSetId: set.id })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("The plans of cs-tampered-3 changed since this change set was made"),
    });
    const after = await getChangeSet(admin, { changeSetId: set.id });
    expect(after.status).toBe("ready");
    expect(await deploymentsPerPlan(set.items.map((item) => item.planId!))).toEqual(new Map());
  });

  it(
    "fails an API whose deployment is refused before it is queued, with the reason, and applies the others",
    { timeout: 120_000 },
    async () => {
      const ids = await seededApis(sandbox, admin, "cs-refused", 3);
      const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
      // The second plan's row gains a lint error, and its item the plan's new hash: the set starts
      // (no approval needed, the hashes agree) and the deployment refuses the plan.
      const refusedPlanId = set.items[1]!.planId!;
      const plan = await sandbox.db.prisma.plan.findUniqueOrThrow({ where: { id: refusedPlanId } });
      const diff = plan.diff as { lint: { findings: unknown[] } };
      diff.lint.findings.push({ code: "injected", severity: "error", message: "Injected.", line: 1, column: 1 });
      await sandbox.db.prisma.plan.update({ where: { id: refusedPlanId }, data: { diff: diff as object } });
      await sandbox.db.prisma.changeSetItem.update({
        where: { changeSetId_apiId: { changeSetId: set.id, apiId: ids[1]! } },
        data: { planHash: planContentHash({ ...plan, diff }) },
      });

      await (await startChangeSetApply(admin, { changeSetId: set.id })).run({ concurrency: 1 });
      const done = await getChangeSet(admin, { changeSetId: set.id });
      expect(done.status).toBe("finished");
      expect(done.progress.counts).toEqual({ succeeded: 2, failed: 1 });
      expect(done.items.find((item) => item.apiId === ids[1])).toMatchObject({
        status: "failed",
        error: expect.stringContaining("lint errors: injected (line 1): Injected."),
      });
      const applied = await deploymentsPerPlan(done.items.map((item) => item.planId!));
      expect(applied.get(refusedPlanId)).toBeUndefined();
      expect([...applied.values()]).toEqual([1, 1]);
    },
  );
});

describe("one approval for the whole set", () => {
  it(
    "follows the plan rules: not the author, the most any instance requires, voided by rejection",
    { timeout: 120_000 },
    async () => {
      const ids = await seededApis(sandbox, admin, "cs-approve", 3);
      await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
      try {
        const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
        expect(set.approval).toMatchObject({ required: 1, status: "waiting" });
        await expect(startChangeSetApply(admin, { changeSetId: set.id })).rejects.toMatchObject({
          code: "approval-required",
          details: { setHash: set.hash, approvalsRequired: 1, approvedBy: 0, approvalStatus: "waiting" },
        });
        // Who tried to apply without the approvals is in the set's history.
        expect(
          await sandbox.db.prisma.auditEvent.findMany({
            where: { targetType: "change_set", targetId: set.id, action: "change_set.apply.refuse" },
          }),
        ).toMatchObject([
          { outcome: "denied", after: { setHash: set.hash, approvalStatus: "waiting", approvedBy: 0 } },
        ]);
        await expect(approveChangeSet(admin, { changeSetId: set.id })).rejects.toMatchObject({ code: "forbidden" });
        await expect(approveChangeSet(admin2, { changeSetId: set.id, setHash: "0".repeat(64) })).rejects.toMatchObject({
          code: "conflict",
        });
        const approved = await approveChangeSet(admin2, { changeSetId: set.id, setHash: set.hash });
        expect(approved.approval).toMatchObject({ status: "approved", approvedBy: 1 });
        await (await startChangeSetApply(admin, { changeSetId: set.id })).run();
        expect((await getChangeSet(admin, { changeSetId: set.id })).progress.counts).toEqual({ succeeded: 3 });
        const decisions = await listAuditEvents(contextFor("reviewer"), { action: "approval.approve" });
        expect(decisions.items.some((event) => event.target.id === set.id && event.outcome === "denied")).toBe(true);

        const other = await createChangeSet(admin, {
          apiIds: ids,
          change: { op: "removeClientApplication", clientApplicationId: NEW_CLIENT },
        });
        await rejectChangeSet(admin2, { changeSetId: other.id, reason: "not this week" });
        await expect(startChangeSetApply(admin, { changeSetId: other.id })).rejects.toMatchObject({
          code: "approval-required",
          message: expect.stringContaining("not this week"),
        });
      } finally {
        await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null });
      }
    },
  );

  it("asks once for the whole set: one approval.requested with the set's link, none per plan", async () => {
    const ids = await seededApis(sandbox, admin, "cs-announce", 3);
    const webhookUrl = `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/events`;
    const events = ["approval.requested"];
    const own = await registerWebhook(admin, { url: webhookUrl, instanceId: sandbox.instance.id, events });
    const global = await registerWebhook(admin, { url: webhookUrl, instanceId: null, events });
    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    try {
      const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
      const deliveries = await sandbox.db.prisma.webhookDelivery.findMany({
        where: { webhookId: { in: [own.id, global.id] } },
      });
      // One event (one id), delivered once to each webhook: not one per plan.
      expect(deliveries).toHaveLength(2);
      expect(new Set(deliveries.map((delivery) => delivery.eventId)).size).toBe(1);
      expect(cloudEventSchema.parse(deliveries[0]!.payload)).toMatchObject({
        type: "com.portcullis.approval.requested",
        subject: sandbox.instance.id,
        data: {
          changeSetId: set.id,
          setHash: set.hash,
          apis: 3,
          approvalsRequired: 1,
          link: expect.stringMatching(new RegExp(`/change-sets/${set.id}$`)),
        },
      });
      const requests = await sandbox.db.prisma.auditEvent.findMany({ where: { action: "approval.request" } });
      const planIds = set.items.map((item) => item.planId);
      expect(requests.filter((event) => planIds.includes(event.targetId))).toEqual([]);
      expect(requests.filter((event) => event.targetId === set.id)).toMatchObject([
        { targetType: "change_set", after: { setHash: set.hash, apis: 3, approvalsRequired: 1 } },
      ]);
    } finally {
      await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: null } });
      await sandbox.db.prisma.webhook.deleteMany({ where: { id: { in: [own.id, global.id] } } });
    }
  });

  it("does not count an expired approval, and records its expiry once", { timeout: 120_000 }, async () => {
    const ids = await seededApis(sandbox, admin, "cs-expire", 1);
    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    try {
      const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
      await approveChangeSet(admin2, { changeSetId: set.id, setHash: set.hash });
      await sandbox.db.prisma.changeSetApproval.updateMany({
        where: { changeSetId: set.id },
        data: { expiresAt: new Date(Date.now() - 1000) },
      });
      for (let attempt = 0; attempt < 2; attempt++)
        await expect(startChangeSetApply(admin, { changeSetId: set.id })).rejects.toMatchObject({
          code: "approval-required",
        });
      expect((await getChangeSet(admin, { changeSetId: set.id })).approval.decisions).toMatchObject([
        { counts: false, notCountedBecause: "expired" },
      ]);
      const expiries = await sandbox.db.prisma.auditEvent.findMany({
        where: { targetType: "change_set", targetId: set.id, action: "approval.expire" },
      });
      expect(expiries).toHaveLength(1);
      expect(expiries[0]?.after).toMatchObject({ setHash: set.hash });
    } finally {
      await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null });
    }
  });
});
