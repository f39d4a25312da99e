import { describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
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
    // Nothing interleaved in the audit trail either: each deployment's step events are consecutive.
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
