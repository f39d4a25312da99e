import { describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { testEngine } from "../../test/support/test-database";
import { chainWaitingEvents } from "../audit/chain-sequencer";
import { listAuditEvents } from "../audit/list-audit-events";
import { createPlan } from "./create-plan";
import { detectDrift } from "./detect-drift";
import type { DeploymentView } from "./schemas";
import { startDeployment } from "./start-deployment";
import { apimClientForInstance } from "../apim/client-for-instance";
import {
  apiIdOf,
  dropBackendSelection,
  planAndApply,
  profiles,
  saveProfile,
  seededApis,
} from "../../test/support/deployment-fixtures";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");

/** From the first step's start to the last step's end: when the deployment held the API's lock and wrote. */
function writingInterval(deployment: DeploymentView): [number, number] {
  const ran = deployment.steps.filter((step) => step.startedAt !== null);
  return [
    Math.min(...ran.map((step) => Date.parse(step.startedAt!))),
    Math.max(...ran.map((step) => Date.parse(step.finishedAt!))),
  ];
}

describe("20 concurrent applies to one API", () => {
  it("run one after another; the stale ones end conflicted, APIM holds the one that succeeded, and a new plan converges", async () => {
    const [name] = await sandbox.controls.seedApis(1, { prefix: "concurrent" });
    await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
    const apiId = await apiIdOf(admin, sandbox.instance.id, name!);
    // Twenty plans made against the same state, each creating its own backend and then updating the policy.
    const plans = [];
    for (let i = 0; i < 20; i++) {
      await saveProfile(admin, apiId, profiles.backendKey(`concurrent-backend-${i}`));
      plans.push(await createPlan(admin, { apiId }));
    }

    const started = await Promise.all(plans.map((plan) => startDeployment(admin, { planId: plan.id })));
    const deployments = await Promise.all(started.map(({ run }) => run()));

    const succeeded = deployments.filter((deployment) => deployment.status === "succeeded");
    expect(succeeded).toHaveLength(1);
    const winner = succeeded[0]!;
    for (const deployment of deployments.filter((other) => other !== winner)) {
      expect(deployment.status).toBe("conflicted");
      expect(deployment.steps.map((step) => [step.kind, step.status])).toEqual([
        ["backend.create", "succeeded"],
        ["policy.update", "failed"],
      ]);
      expect(deployment.steps[1]).toMatchObject({ httpStatus: 412, error: { code: "precondition_failed" } });
    }
    // One after another: no deployment wrote while another was writing.
    const intervals = deployments.map(writingInterval).sort((a, b) => a[0] - b[0]);
    intervals.slice(1).forEach(([start], index) => expect(start).toBeGreaterThanOrEqual(intervals[index]![1]));
    // Nothing interleaved in the audit trail either: each deployment's step events are consecutive
    // (read as stored, after the chaining a reader does first).
    await chainWaitingEvents(sandbox.db.prisma);
    const stepEvents = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "deployment.step", targetId: { in: deployments.map((d) => d.id) } },
      orderBy: { seq: "asc" },
    });
    expect(stepEvents).toHaveLength(40);
    const order = stepEvents.map((event) => event.targetId).filter((id, index, all) => id !== all[index - 1]);
    expect(order).toHaveLength(20);

    // APIM holds the outcome of the apply that succeeded.
    const winnerPlan = plans.find((plan) => plan.id === winner.planId)!;
    expect(await detectDrift(admin, { apiId })).toMatchObject({
      status: "in_sync",
      baseline: { deploymentId: winner.id, profileVersion: winnerPlan.profileVersion },
    });

    // The stale plans created backends nothing uses; the next plan (for the current profile) removes them.
    const { plan, deployment } = await planAndApply(admin, apiId);
    expect(deployment.status).toBe("succeeded");
    const deleted = plan.operations
      .filter((operation) => operation.kind === "backend.delete")
      .map((operation) => operation.target);
    expect(deleted.sort()).toEqual(Array.from({ length: 19 }, (_, i) => `concurrent-backend-${i}`).sort());
    expect((await createPlan(admin, { apiId })).empty).toBe(true);
  });
});

/** Plans the API's profile, starts the plan and runs the deployment to its end. */
async function planStartAndRun(apiId: string) {
  const plan = await createPlan(admin, { apiId });
  const { run } = await startDeployment(admin, { planId: plan.id });
  return { plan, deployment: await run() };
}

describe("applies to many APIs at once", () => {
  it("have each plan's plan.create, deployment.start and deployment.finish in the chain, once and in that order, once it is run", async () => {
    const apiIds = await seededApis(sandbox, admin, "many-at-once", 8);
    const applied = await Promise.all(apiIds.map(planStartAndRun));
    expect(applied.map(({ deployment }) => deployment.status)).toEqual(apiIds.map(() => "succeeded"));
    // Read as stored, after the chaining a reader does first: the plan, the start and the end each went
    // on while their events joined the chain (lib/audit/README.md, "Appending", point 3).
    await chainWaitingEvents(sandbox.db.prisma);
    const targets = applied.flatMap(({ plan, deployment }) => [plan.id, deployment.id]);
    const chained = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: { in: targets }, action: { in: ["plan.create", "deployment.start", "deployment.finish"] } },
      orderBy: { seq: "asc" },
      select: { targetId: true, action: true },
    });
    for (const { plan, deployment } of applied)
      expect(
        chained
          .filter((event) => event.targetId === plan.id || event.targetId === deployment.id)
          .map((event) => event.action),
      ).toEqual(["plan.create", "deployment.start", "deployment.finish"]);
    expect(await sandbox.db.prisma.auditPending.count({ where: { targetId: { in: targets } } })).toBe(0);
  });

  it("show each plan's plan.create to a reader of the history as soon as the plan is made", async () => {
    const apiIds = await seededApis(sandbox, admin, "listed-at-once", 4);
    const plans = await Promise.all(apiIds.map((apiId) => createPlan(admin, { apiId })));
    for (const plan of plans) {
      const listed = await listAuditEvents(admin, { target: `plan:${plan.id}`, action: "plan.create" });
      expect(listed.items.map((event) => [event.action, event.target.id])).toEqual([["plan.create", plan.id]]);
    }
  });

  it("show a finished apply's every event to a reader of the history as soon as the run returns", async () => {
    const apiIds = await seededApis(sandbox, admin, "finished-listed", 4);
    const applied = await Promise.all(apiIds.map(planStartAndRun));
    for (const { plan, deployment } of applied) {
      expect(deployment.status).toBe("succeeded");
      const planned = await listAuditEvents(admin, { target: `plan:${plan.id}` });
      expect(planned.items.map((event) => event.action)).toEqual(["plan.create"]);
      const listed = await listAuditEvents(admin, { target: `deployment:${deployment.id}` });
      // Newest first.
      expect(listed.items.map((event) => event.action).reverse()).toEqual([
        "deployment.start",
        ...deployment.steps.map(() => "deployment.step"),
        "deployment.finish",
      ]);
    }
  });

  // PGlite chains a plan's events in its statement, one statement at a time: nothing can hold the chain there.
  it.runIf(testEngine() === "postgres")(
    "finish an apply of one step while its events cannot join the chain yet, and show them all to a reader once they can",
    async () => {
      const [apiId] = await seededApis(sandbox, admin, "apply-chain-held", 1);
      await planAndApply(admin, apiId!);
      // Another client application: the next apply is one step (the policy), recorded with the end.
      await saveProfile(admin, apiId!, profiles.headerKey("33333333-2222-3333-4444-555555555555"));
      let planId = "";
      let deployment: DeploymentView | undefined;
      // The owner holds the chain's head: no sequencer run can move an event into the chain until it lets go.
      await sandbox.db.owner.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT last_seq FROM audit_chain_head FOR UPDATE`;
          planId = (await createPlan(admin, { apiId: apiId! })).id;
          const { run } = await startDeployment(admin, { planId });
          deployment = await run();
          expect(deployment.status).toBe("succeeded");
          expect(deployment.steps.map((step) => step.kind)).toEqual(["policy.update"]);
          const targets = { targetId: { in: [planId, deployment.id] } };
          expect(await sandbox.db.prisma.auditPending.count({ where: targets })).toBe(4);
          expect(await sandbox.db.prisma.auditEvent.count({ where: targets })).toBe(0);
        },
        { timeout: 60_000 },
      );
      const listed = await listAuditEvents(admin, { target: `deployment:${deployment!.id}` });
      expect(listed.items.map((event) => event.action).reverse()).toEqual([
        "deployment.start",
        "deployment.step",
        "deployment.finish",
      ]);
      const planned = await listAuditEvents(admin, { target: `plan:${planId}` });
      expect(planned.items.map((event) => event.action)).toEqual(["plan.create"]);
      expect(
        await sandbox.db.prisma.auditPending.count({ where: { targetId: { in: [planId, deployment!.id] } } }),
      ).toBe(0);
    },
  );

  // PGlite chains a plan's events in its statement, one statement at a time: nothing can hold the chain there.
  it.runIf(testEngine() === "postgres")(
    "return a plan while its event cannot join the chain yet, and show it to a reader once it can",
    async () => {
      const [apiId] = await seededApis(sandbox, admin, "chain-held", 1);
      let planId = "";
      // The owner holds the chain's head: no sequencer run can move an event into the chain until it lets go.
      await sandbox.db.owner.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT last_seq FROM audit_chain_head FOR UPDATE`;
          planId = (await createPlan(admin, { apiId: apiId! })).id;
          expect(
            await sandbox.db.prisma.auditPending.count({ where: { action: "plan.create", targetId: planId } }),
          ).toBe(1);
          expect(await sandbox.db.prisma.auditEvent.count({ where: { targetId: planId } })).toBe(0);
        },
        { timeout: 60_000 },
      );
      const listed = await listAuditEvents(admin, { target: `plan:${planId}`, action: "plan.create" });
      expect(listed.items.map((event) => event.target.id)).toEqual([planId]);
      expect(await sandbox.db.prisma.auditPending.count({ where: { targetId: planId } })).toBe(0);
    },
  );
});
