import { describe, expect, it } from "vitest";
import { apiIdOf, dropBackendSelection, profiles, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { listAuditEvents } from "../audit/list-audit-events";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { APPROVAL_EXPIRY_JOB, approvalExpiryJob } from "../scheduler/approval-expiry-job";
import { Scheduler } from "../scheduler/scheduler";
import { approvePlan } from "./approve-plan";
import { createPlan } from "./create-plan";
import { getPlan } from "./get-plan";
import { startDeployment } from "./start-deployment";

/**
 * Approval expiry as a scheduled job: an approval whose lifetime passed is marked, audited with
 * the plan hash and announced to the instance's webhooks when the job runs — before anyone tries
 * to apply — once, however often the job or the lazy check at apply looks at it.
 */
const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Plan Author" });
const approver = contextFor("admin", { name: "Second Admin" });
const MINUTE = 60_000;

describe("the approval-expiry job", () => {
  it("expires an approval when its lifetime passes: marked, audited with the plan hash and announced, once", async () => {
    await updateInstanceSettings(author, { instanceId: sandbox.instance.id, settings: { environment: "production" } });
    const [name] = await sandbox.controls.seedApis(1, { prefix: "expiry" });
    await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
    const apiId = await apiIdOf(author, sandbox.instance.id, name!);
    await saveProfile(author, apiId, profiles.backendKey(`${name}-backend`));
    const plan = await createPlan(author, { apiId });
    await approvePlan(approver, { planId: plan.id, planHash: plan.hash });
    const webhook = await sandbox.db.prisma.webhook.create({
      data: {
        instanceId: sandbox.instance.id,
        url: "https://hooks.example.com/approvals",
        events: ["approval.expired"],
        format: "cloudevents",
        secretSalt: "salt",
        createdBy: "test",
      },
    });
    // The job's clock runs ahead by hand (a run is due every minute); expiry itself is by real time,
    // which the lazy check at apply also uses.
    let ahead = 0;
    const scheduler = new Scheduler(sandbox.db.prisma, {
      owner: "test",
      jobs: async () => [approvalExpiryJob],
      clock: () => new Date(Date.now() + ahead),
    });
    const expiries = () => listAuditEvents(contextFor("reviewer"), { planHash: plan.hash, action: "approval.expire" });
    const deliveries = () => sandbox.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } });

    // Still inside its lifetime: nothing happens.
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    expect((await expiries()).items).toHaveLength(0);
    expect(await deliveries()).toHaveLength(0);

    await sandbox.db.prisma.planApproval.updateMany({
      where: { planId: plan.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    ahead += 2 * MINUTE;
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    const job = await sandbox.db.prisma.scheduledJob.findUniqueOrThrow({ where: { name: APPROVAL_EXPIRY_JOB } });
    expect(job.lastSummary).toBe("1 approval expired; 0 settings changes expired");
    const recorded = (await expiries()).items;
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ actor: { name: "Portcullis" }, after: { planHash: plan.hash } });
    const sent = await deliveries();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      eventType: "approval.expired",
      payload: {
        type: "com.portcullis.approval.expired",
        data: { planId: plan.id, planHash: plan.hash, apimName: name, approvedBy: "Second Admin" },
      },
    });
    const marked = await sandbox.db.prisma.planApproval.findFirstOrThrow({ where: { planId: plan.id } });
    expect(marked.expiryAuditedAt).not.toBeNull();

    // Once: the next run, and the lazy check of an apply, record nothing more.
    ahead += 2 * MINUTE;
    expect(await scheduler.tick()).toEqual([{ name: APPROVAL_EXPIRY_JOB, ran: true, outcome: "succeeded" }]);
    await expect(startDeployment(author, { planId: plan.id })).rejects.toMatchObject({ code: "approval-required" });
    expect((await expiries()).items).toHaveLength(1);
    expect(await deliveries()).toHaveLength(1);
    expect((await getPlan(author, { planId: plan.id })).approval.decisions[0]?.notCountedBecause).toBe("expired");
  });
});
