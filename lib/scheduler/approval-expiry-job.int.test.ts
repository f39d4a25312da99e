import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { appErrorOf as failure } from "../../test/support/apim/app-error";
import { contextFor } from "../../test/support/request-context";
import { createProductionInstance } from "../../test/support/instance-settings";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { approveSettingsChange } from "../instances/approve-settings-change";
import { getSettingsChange } from "../instances/get-settings-change";
import { listAwaitingApproval } from "../approvals/list-awaiting-approval";
import type { RequestContext } from "../auth/request-context";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { APPROVAL_EXPIRY_JOB, approvalExpiryJob } from "./approval-expiry-job";
import { Scheduler } from "./scheduler";

/** What listAwaitingApproval answers for settingsChanges alone (the REST list's read). */
const listSettingsChangesAwaitingApproval = async (ctx: RequestContext) =>
  (await listAwaitingApproval(ctx, ["settingsChanges"])).settingsChanges;

/**
 * The approval-expiry job on its own clock (the scheduler's, run ahead by hand): settings changes
 * and their approvals, and change set approvals, expire when their time passes — each audited
 * once with its hash — and nothing lists an expired change as waiting.
 */
const db = setupTestDatabase();
const author = contextFor("admin", { name: "Asking Admin" });
const second = contextFor("admin", { name: "Second Admin" });
const HOUR = 3_600_000;

let instances = 0;
/** A fresh instance on production: its applies need one approval. */
const productionInstance = () => createProductionInstance(db.current.prisma, `expiry-${(instances += 1)}`);

/** A scheduler running only the expiry job, its clock `ahead()` ms in the future; no run of an earlier test counts. */
async function expiryScheduler(ahead: () => number) {
  await db.current.prisma.scheduledJob.deleteMany({ where: { name: APPROVAL_EXPIRY_JOB } });
  return new Scheduler(db.current.prisma, {
    owner: "test",
    jobs: async () => [approvalExpiryJob],
    clock: () => new Date(Date.now() + ahead()),
  });
}

const summary = async () =>
  (await db.current.prisma.scheduledJob.findUniqueOrThrow({ where: { name: APPROVAL_EXPIRY_JOB } })).lastSummary;
const eventsOf = (targetId: string) =>
  db.current.prisma.auditEvent.findMany({ where: { targetId }, orderBy: { seq: "asc" } });

/** A webhook of the instance subscribed to `events`; its id. */
async function webhookOf(instanceId: string, events = ["approval.expired"]): Promise<string> {
  const webhook = await db.current.prisma.webhook.create({
    data: {
      instanceId,
      url: "https://hooks.example.com/approvals",
      events,
      format: "cloudevents",
      secretSalt: "salt",
      createdBy: "test",
    },
  });
  return webhook.id;
}
const deliveriesTo = (webhookId: string) => db.current.prisma.webhookDelivery.findMany({ where: { webhookId } });
type Delivery = Awaited<ReturnType<typeof deliveriesTo>>[number];

describe("the approval-expiry job", () => {
  it("expires a pending settings change and its approval when their lifetime passes, each audited once with the hash", async () => {
    const instanceId = await productionInstance();
    await updateInstanceSettings(author, { instanceId, settings: { approvalsRequired: 2 } });
    const { pendingChange } = await updateInstanceSettings(author, { instanceId, settings: { approvalsRequired: 1 } });
    const changeId = pendingChange!.id;
    expect(Date.parse(pendingChange!.expiresAt) - Date.parse(pendingChange!.createdAt)).toBe(24 * HOUR);
    await approveSettingsChange(second, { changeId });
    const webhook = await webhookOf(instanceId);
    const notSubscribed = await webhookOf(instanceId, ["approval.requested"]);

    let ahead = 0;
    const scheduler = await expiryScheduler(() => ahead);
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    expect(await summary()).toBe("0 approvals expired; 0 settings changes expired");
    expect((await listSettingsChangesAwaitingApproval(author)).map((c) => c.id)).toContain(changeId);

    ahead = 25 * HOUR;
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    expect(await summary()).toBe("1 approval expired; 1 settings change expired");
    const recorded = (await eventsOf(changeId)).map((e) => [e.action, e.actorName, e.after]);
    expect(recorded.slice(-2)).toEqual([
      ["approval.expire", "Portcullis", expect.objectContaining({ changeHash: pendingChange!.hash })],
      [
        "instance.settings.expire",
        "Portcullis",
        expect.objectContaining({ changeHash: pendingChange!.hash, instanceId }),
      ],
    ]);
    const { approvalId } = recorded.at(-2)![2] as { approvalId: string };
    expect(await deliveriesTo(webhook)).toEqual([
      expect.objectContaining({
        eventType: "approval.expired",
        payload: expect.objectContaining({
          type: "com.portcullis.approval.expired",
          subject: instanceId,
          data: {
            changeId,
            changeHash: pendingChange!.hash,
            approvalId,
            instanceName: "expiry-1",
            approvedBy: "Second Admin",
            expiresAt: expect.any(String),
            summary:
              "Second Admin's approval of a settings change of instance expiry-1 expired: it needs approving again",
          },
        }),
      }),
    ]);
    expect(await deliveriesTo(notSubscribed)).toEqual([]);
    expect(await getSettingsChange(author, { changeId })).toMatchObject({ status: "expired" });
    expect((await listSettingsChangesAwaitingApproval(author)).map((c) => c.id)).not.toContain(changeId);
    expect((await failure(approveSettingsChange(contextFor("admin", { name: "Third" }), { changeId }))).code).toBe(
      "conflict",
    );

    // Once: a later run records nothing more.
    ahead = 27 * HOUR;
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    expect(await summary()).toBe("0 approvals expired; 0 settings changes expired");
    expect((await eventsOf(changeId)).length).toBe(recorded.length);
    expect(await deliveriesTo(webhook)).toHaveLength(1);
    // The settings stayed as they were.
    const instance = await db.current.prisma.instance.findUniqueOrThrow({ where: { id: instanceId } });
    expect(instance.approvalsRequired).toBe(2);
  });

  it("leaves a change past its expiry off the waiting list and undecidable before the job has run", async () => {
    const instanceId = await productionInstance();
    const { pendingChange } = await updateInstanceSettings(author, { instanceId, settings: { approvalsRequired: 0 } });
    const changeId = pendingChange!.id;
    await db.current.prisma.instanceSettingsChange.update({
      where: { id: changeId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await listSettingsChangesAwaitingApproval(author)).map((c) => c.id)).not.toContain(changeId);
    expect(await getSettingsChange(author, { changeId })).toMatchObject({ status: "expired" });
    const refused = await failure(approveSettingsChange(second, { changeId }));
    expect([refused.code, refused.message]).toEqual(["conflict", expect.stringMatching(/expired/)]);
    const instance = await db.current.prisma.instance.findUniqueOrThrow({ where: { id: instanceId } });
    expect(instance.approvalsRequired).toBeNull();
  });

  it("expires a change set's approval while the set waits to be applied, audited once with the set hash and announced to the instances it changes", async () => {
    const [changed1, changed2, blockedOnly] = [
      await productionInstance(),
      await productionInstance(),
      await productionInstance(),
    ];
    const set = await db.current.prisma.changeSet.create({
      data: {
        id: randomUUID(),
        title: "expiring set",
        change: { op: "setProfiles" },
        status: "ready",
        createdBy: "Asking Admin",
        createdByOid: author.actor.oid,
      },
    });
    // APIs the set changes on two instances, and a blocked one on a third, which it does not change.
    const items = [
      [changed1, "planned"],
      [changed2, "planned"],
      [changed1, "planned"],
      [blockedOnly, "blocked"],
    ] as const;
    for (const [position, [instanceId, status]] of items.entries()) {
      const api = await db.current.prisma.api.create({
        data: { instanceId, apimName: `set-api-${position}`, displayName: `Set API ${position}`, path: `p${position}` },
      });
      await db.current.prisma.changeSetItem.create({
        data: { changeSetId: set.id, apiId: api.id, position, status, summary: "" },
      });
    }
    const webhooks = await Promise.all([changed1, changed2, blockedOnly].map((id) => webhookOf(id)));
    const setHash = "e".repeat(64);
    const approval = {
      setHash,
      decision: "approved",
      actorType: "user",
      actorOid: second.actor.oid,
      actorName: second.actor.name,
      expiresAt: new Date(Date.now() + HOUR),
    };
    const approvalId = randomUUID();
    await db.current.prisma.changeSetApproval.create({ data: { id: approvalId, changeSetId: set.id, ...approval } });
    let ahead = 0;
    const scheduler = await expiryScheduler(() => ahead);
    await scheduler.tick();
    expect((await eventsOf(set.id)).map((e) => e.action)).toEqual([]);
    expect(await deliveriesTo(webhooks[0]!)).toEqual([]);

    ahead = 2 * HOUR;
    await scheduler.tick();
    expect(await summary()).toBe("1 approval expired; 0 settings changes expired");
    ahead = 4 * HOUR;
    await scheduler.tick();
    const events = await eventsOf(set.id);
    expect(events.map((e) => [e.action, e.targetType, e.after])).toEqual([
      ["approval.expire", "change_set", expect.objectContaining({ setHash })],
    ]);
    // One event, sent once to each instance the set changes.
    const [sent1, sent2, sentBlocked] = (await Promise.all(webhooks.map(deliveriesTo))) as [
      Delivery[],
      Delivery[],
      Delivery[],
    ];
    expect(sentBlocked).toEqual([]);
    expect(sent2).toHaveLength(1);
    const link = expect.stringMatching(new RegExp(`/change-sets/${set.id}$`));
    expect(sent1).toEqual([
      expect.objectContaining({
        eventId: sent2[0]!.eventId,
        eventType: "approval.expired",
        payload: expect.objectContaining({
          type: "com.portcullis.approval.expired",
          data: {
            changeSetId: set.id,
            setHash,
            title: "expiring set",
            approvalId,
            approvedBy: "Second Admin",
            expiresAt: approval.expiresAt.toISOString(),
            link,
            summary: expect.stringMatching(
              /^Second Admin's approval of change set "expiring set" expired: it needs approving again: .*\/change-sets\//,
            ),
          },
        }),
      }),
    ]);
  });
});
