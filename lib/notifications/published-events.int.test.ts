import { changeInstanceSettings } from "../../test/support/instance-settings";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import {
  apiIdOf,
  applyPlan,
  dropBackendSelection,
  profiles,
  saveProfile,
} from "../../test/support/deployment-fixtures";
import { apimClientForInstance } from "../apim/client-for-instance";
import { signCheckpoint } from "../audit/sign-checkpoint";
import { verifyAuditHistory } from "../audit/verify-audit-history";
import { createPlan } from "../deployments/create-plan";
import type { DriftScan } from "../deployments/schemas";
import { announceDrift } from "./announce-drift";
import { cloudEventSchema } from "./cloud-event";
import { registerWebhook } from "./register-webhook";

/**
 * The features that announce events do so in the transaction that records what happened: each
 * leaves one outbox row per subscribed webhook, with a CloudEvent that carries no secret.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");

afterEach(() => sandbox.controls.clearFaults());
beforeEach(async () => void (await sandbox.db.prisma.webhook.deleteMany()));

async function subscribe(events: string[], instanceId: string | null = null) {
  return registerWebhook(admin, {
    url: `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/events`,
    instanceId,
    events,
  });
}

async function eventsOf(webhookId: string) {
  const rows = await sandbox.db.prisma.webhookDelivery.findMany({
    where: { webhookId },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((row) => cloudEventSchema.parse(row.payload));
}

describe("events published by the features", () => {
  it("a plan that needs approval asks the instance's webhooks for it; one that needs none does not", async () => {
    const webhook = await subscribe(["approval.requested"], sandbox.instance.id);
    const [name] = await sandbox.controls.seedApis(1, { prefix: "announce-approval" });
    await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
    const apiId = await apiIdOf(admin, sandbox.instance.id, name!);
    await saveProfile(admin, apiId, profiles.backendKey(`${name}-backend`));
    const setApprovals = (approvalsRequired: number | null) =>
      changeInstanceSettings(sandbox.instance.id, { approvalsRequired });

    await setApprovals(2);
    try {
      const plan = await createPlan(admin, { apiId });
      await setApprovals(0);
      await createPlan(admin, { apiId });

      const events = await eventsOf(webhook.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: "com.portcullis.approval.requested",
        subject: sandbox.instance.id,
        data: { planId: plan.id, planHash: plan.hash, apiId, apimName: name, approvalsRequired: 2 },
      });
    } finally {
      await setApprovals(null);
    }
  });

  it("a signed audit checkpoint goes out with its sequence, head hash and signature", async () => {
    const webhook = await subscribe(["audit.checkpoint"]);
    const checkpoint = await signCheckpoint(sandbox.db.prisma);
    expect(checkpoint).not.toBeNull();
    const [event] = await eventsOf(webhook.id);
    expect(event).toMatchObject({
      type: "com.portcullis.audit.checkpoint",
      source: "/portcullis",
      data: { ...checkpoint, summary: expect.stringContaining(`event ${checkpoint!.seq}`) },
    });
  });

  it("a deployment that conflicts is announced to the instance's webhooks, one that succeeds is not", async () => {
    const webhook = await subscribe(["deployment.failed", "deployment.conflicted"], sandbox.instance.id);
    const [name] = await sandbox.controls.seedApis(1, { prefix: "announce-conflict" });
    const apiId = await apiIdOf(admin, sandbox.instance.id, name!);
    await saveProfile(admin, apiId, profiles.headerKey());
    const plan = await createPlan(admin, { apiId });
    await sandbox.controls.setFaults({
      rules: [{ kind: "concurrentWrite", rate: 1, limit: 1, match: { methods: ["PUT"], path: "/policies/policy$" } }],
    });
    const conflicted = await applyPlan(admin, plan.id);
    expect(conflicted.status).toBe("conflicted");
    await sandbox.controls.clearFaults();
    expect((await applyPlan(admin, (await createPlan(admin, { apiId })).id)).status).toBe("succeeded");

    const events = await eventsOf(webhook.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "com.portcullis.deployment.conflicted",
      subject: sandbox.instance.id,
      data: {
        deploymentId: conflicted.id,
        apiId,
        apimName: name,
        error: { code: "conflicted" },
        steps: expect.objectContaining({ failed: 1 }),
      },
    });
  });

  it("new drift from a scheduled scan names the APIs, not their policies", async () => {
    const webhook = await subscribe(["drift.detected"], sandbox.instance.id);
    const report = (apiId: string, status: "drifted" | "in_sync") => ({
      apiId,
      apimName: `api-${apiId}`,
      displayName: `API ${apiId}`,
      status,
      baseline: null,
      significant: status === "drifted" ? [{ path: "policy", before: "<secret-free/>", after: "<x/>" }] : [],
      harmless: [],
      error: null,
      restorePlan: null,
    });
    const scan = {
      instanceId: sandbox.instance.id,
      checkedAt: "2026-12-05T10:00:00.000Z",
      concurrency: 4,
      armCalls: 3,
      counts: { drifted: 2, in_sync: 1 },
      apis: [report("a", "drifted"), report("b", "drifted"), report("c", "in_sync")],
    } as unknown as DriftScan;
    await announceDrift(sandbox.instance.id, scan, ["b"]);
    const [event] = await eventsOf(webhook.id);
    expect(event).toMatchObject({
      type: "com.portcullis.drift.detected",
      data: {
        summary: "1 API drifted from what Portcullis deployed: API b",
        apis: [{ apiId: "b", apimName: "api-b", displayName: "API b", differences: 1 }],
      },
    });
    expect(JSON.stringify(event)).not.toContain("<x/>");
  });

  it("an audit history that does not verify is announced with the first event that does not fit", async () => {
    const webhook = await subscribe(["audit.verification_failed"]);
    const reviewer = contextFor("reviewer");
    expect((await verifyAuditHistory(reviewer)).ok).toBe(true);
    const target = await sandbox.db.prisma.auditEvent.findFirstOrThrow({ where: { action: "webhook.register" } });
    // Whoever owns the tables rewrites one event (the trigger that forbids it switched off).
    const owner = sandbox.db.owner;
    const tamper = async (name: string) => {
      await owner.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      try {
        await owner.$executeRawUnsafe(`UPDATE audit_events SET actor_name = '${name}' WHERE seq = ${target.seq}`);
      } finally {
        await owner.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
      }
    };
    await tamper("Mallory");
    try {
      const result = await verifyAuditHistory(reviewer);
      expect(result.ok).toBe(false);
      const [event] = await eventsOf(webhook.id);
      expect(event).toMatchObject({
        type: "com.portcullis.audit.verification_failed",
        data: { verifiedBy: reviewer.actor.name, firstBad: { seq: target.seq.toString(), id: target.id } },
      });
    } finally {
      await tamper(target.actorName);
    }
    expect((await verifyAuditHistory(reviewer)).ok).toBe(true);
  });
});
