import { describe, expect, it } from "vitest";
import type { AccessProfileInput } from "../policy";
import { verifyAuditChain } from "../audit/verify-audit-chain";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createPlan } from "./create-plan";
import { detectDrift } from "./detect-drift";
import type { DeploymentView } from "./schemas";
import { applyPlan, apiIdOf, profiles, saveProfile } from "../../test/support/deployment-fixtures";

/**
 * Many applies under injected faults (throttling, 5xx, connections dropped before and after the
 * server handled the request, other writers changing entities just before a write). Afterwards
 * APIM must hold exactly what each API's last successful deployment left, no write may have
 * gone out unconditionally onto an existing entity, and the audit trail must hold exactly one
 * event per executed step.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");

const APIS = 6;
const ROUNDS = 50;
const MAX_ATTEMPTS = 40;
const MIN_FAULTS = 500;

/** Round r of API `name`: switches delivery and callers, so backends are created, updated and removed. */
function profileFor(name: string, round: number): AccessProfileInput {
  switch (round % 4) {
    case 0:
      return profiles.headerKey(`${String(round).padStart(8, "0")}-2222-3333-4444-555555555555`);
    case 1:
      return profiles.backendKey(`${name}-backend-${round % 3}`, `https://contoso-${round}.openai.azure.com/openai`);
    case 2:
      return profiles.managedIdentity(`https://api-${round}.example.com`);
    default:
      return profiles.backendIdentity(`${name}-backend-${round % 3}`);
  }
}

/** Plans and applies until a deployment succeeds: a conflict asks for a new plan, any other failure applies the same plan again. */
async function converge(apiId: string, deployments: DeploymentView[]): Promise<DeploymentView> {
  let planId: string | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (planId === undefined) {
      const plan = await createPlan(admin, { apiId }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === "unavailable") return undefined; // the reads ran out of retries
        throw error;
      });
      planId = plan?.id;
      if (planId === undefined) continue;
    }
    const deployment = await applyPlan(admin, planId);
    deployments.push(deployment);
    if (deployment.status === "succeeded") return deployment;
    if (deployment.status === "conflicted") planId = undefined;
  }
  throw new Error(`API ${apiId} did not converge in ${MAX_ATTEMPTS} attempts`);
}

describe("the fault run", () => {
  it(
    `survives at least ${MIN_FAULTS} injected faults across many applies and ends exactly where the last successful deployments left APIM`,
    { timeout: 600_000 },
    async () => {
      // Without the seed's hand-written policy: its backend selection, after the Portcullis block,
      // would undo the rounds whose profile has a backend of its own, and block their plans.
      const names = await sandbox.controls.seedApis(APIS, { prefix: "fault", withPolicy: false });
      const apiIds = new Map<string, string>();
      for (const name of names) apiIds.set(name, await apiIdOf(admin, sandbox.instance.id, name));
      const since = (await sandbox.controls.requests()).at(-1)?.seq ?? 0;
      await sandbox.controls.setFaults({
        seed: 4242,
        rules: [
          { kind: "throttle", rate: 0.1, retryAfterSeconds: 0 },
          { kind: "serverError", rate: 0.06, status: 503 },
          { kind: "serverError", rate: 0.03, status: 500 },
          { kind: "drop", rate: 0.04, phase: "beforeHandling" },
          { kind: "drop", rate: 0.06, phase: "afterHandling", match: { methods: ["PUT", "DELETE"] } },
          { kind: "concurrentWrite", rate: 0.1, match: { methods: ["PUT", "DELETE"] } },
        ],
      });

      const deployments: DeploymentView[] = [];
      const lastSucceeded = new Map<string, DeploymentView>();
      await Promise.all(
        names.map(async (name) => {
          const apiId = apiIds.get(name)!;
          for (let round = 0; round < ROUNDS; round++) {
            await saveProfile(admin, apiId, profileFor(name, round));
            lastSucceeded.set(name, await converge(apiId, deployments));
          }
        }),
      );
      await sandbox.controls.clearFaults();
      const requests = await sandbox.controls.requests(since);

      const faults = requests.flatMap((request) => request.faults.filter((fault) => fault !== "latency"));
      expect(faults.length).toBeGreaterThanOrEqual(MIN_FAULTS);
      for (const kind of ["throttle", "serverError", "drop", "concurrentWrite"]) expect(faults).toContain(kind);
      expect(deployments.some((deployment) => deployment.status === "failed")).toBe(true);
      expect(deployments.some((deployment) => deployment.status === "conflicted")).toBe(true);

      // No update or delete of an existing entity without If-Match (a PUT without it answered 200,
      // not 201, would be one), and never If-Match: *.
      const writes = requests.filter((request) => ["PUT", "PATCH", "DELETE"].includes(request.method));
      expect(writes.filter((request) => request.method !== "PUT" && !request.ifMatchSent)).toEqual([]);
      expect(
        writes.filter((request) => request.method === "PUT" && !request.ifMatchSent && request.status === 200),
      ).toEqual([]);
      expect(writes.filter((request) => request.ifMatch?.trim() === "*")).toEqual([]);

      // APIM holds exactly what each API's last successful deployment left: same ETags, no backend left over.
      const apim = apimClientForInstance(sandbox.instance);
      const backends = (await apim.listBackends()).value.map((backend) => backend.name);
      for (const name of names) {
        const last = lastSucceeded.get(name)!;
        const report = await detectDrift(admin, { apiId: apiIds.get(name)! });
        expect(report, name).toMatchObject({ status: "in_sync", baseline: { deploymentId: last.id } });
        const ours = backends.filter((backend) => backend.startsWith(`${name}-backend-`));
        expect(ours, name).toEqual(last.result!.backend ? [last.result!.backend.backendId] : []);
      }

      // Every deployment that did not succeed says why, and so does its failed step; none stopped on a bug.
      expect(deployments.filter((deployment) => deployment.error?.code === "internal")).toEqual([]);
      for (const deployment of deployments.filter((d) => d.status !== "succeeded")) {
        expect(deployment.error?.message, deployment.id).toMatch(/\w/);
        if (deployment.error!.step !== null)
          expect(deployment.steps.find((step) => step.seq === deployment.error!.step)!.error?.message).toMatch(/\w/);
      }

      // The audit trail verifies and holds exactly one event per executed step: none lost, none duplicated.
      expect(await verifyAuditChain(sandbox.db.prisma)).toMatchObject({ ok: true });
      const executed = await sandbox.db.prisma.deploymentStep.findMany({
        where: { status: { in: ["succeeded", "failed"] } },
        select: { deploymentId: true, seq: true },
      });
      const events = await sandbox.db.prisma.auditEvent.findMany({
        where: { action: "deployment.step" },
        select: { targetId: true, after: true },
      });
      const key = (deploymentId: string, seq: unknown) => `${deploymentId}#${String(seq)}`;
      const eventKeys = events.map((event) => key(event.targetId, (event.after as { seq: number }).seq));
      expect(new Set(eventKeys).size).toBe(eventKeys.length);
      expect(eventKeys.sort()).toEqual(executed.map((step) => key(step.deploymentId, step.seq)).sort());
      expect(await sandbox.db.prisma.deploymentStep.count({ where: { status: { in: ["pending", "running"] } } })).toBe(
        0,
      );
      // Each deployment's start (chained in the background while its run went on) once, before its one end.
      const ends = await sandbox.db.prisma.auditEvent.findMany({
        where: { action: { in: ["deployment.start", "deployment.finish"] } },
        orderBy: { seq: "asc" },
        select: { targetId: true, action: true },
      });
      for (const deployment of deployments)
        expect(
          ends.filter((event) => event.targetId === deployment.id).map((event) => event.action),
          deployment.id,
        ).toEqual(["deployment.start", "deployment.finish"]);
      expect(await sandbox.db.prisma.auditPending.count()).toBe(0);
      console.log(
        `fault run: ${faults.length} faults in ${requests.length} ARM requests; ${deployments.length} deployments ` +
          `(${["succeeded", "failed", "conflicted"].map((status) => `${deployments.filter((d) => d.status === status).length} ${status}`).join(", ")}); ${executed.length} steps executed`,
      );
    },
  );
});
