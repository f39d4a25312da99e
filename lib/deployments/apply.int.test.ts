import { afterEach, describe, expect, it } from "vitest";
import { chainWaitingEvents } from "../audit/chain-sequencer";
import { verifyAuditChain } from "../audit/verify-audit-chain";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createPlan } from "./create-plan";
import { getDeployment } from "./get-deployment";
import { getPlan } from "./get-plan";
import { listDeployments } from "./list-deployments";
import type { StepOutcome } from "./apply/execute-step";
import { finishDeployment } from "./apply/finish-deployment";
import { recordStepOutcome } from "./apply/step-records";
import { startDeployment } from "./start-deployment";
import {
  apiIdOf,
  applyPlan,
  dropBackendSelection,
  planAndApply,
  profiles,
  saveProfile,
} from "../../test/support/deployment-fixtures";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const apim = () => apimClientForInstance(sandbox.instance);

afterEach(() => sandbox.controls.clearFaults());

/** A fresh API whose policy only inherits (see dropBackendSelection): the profiles here bring their own backend. */
async function newApi(prefix: string): Promise<{ id: string; name: string }> {
  const [name] = await sandbox.controls.seedApis(1, { prefix });
  await dropBackendSelection(apim(), [name!]);
  return { id: await apiIdOf(admin, sandbox.instance.id, name!), name: name! };
}

const lastSeq = async () => (await sandbox.controls.requests()).at(-1)?.seq ?? 0;

describe("applying a plan", () => {
  it("runs the steps in order with the plan's If-Match and records each outcome with its ARM ids and one audit event", async () => {
    const api = await newApi("apply-steps");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));
    const plan = await createPlan(admin, { apiId: api.id });
    expect(await getPlan(contextFor("reader"), { planId: plan.id })).toEqual(plan);
    const since = await lastSeq();

    const { deployment: queued, run } = await startDeployment(admin, { planId: plan.id });
    // The API's lock was free: the statement that queued the deployment also claimed it for its run.
    expect(queued).toMatchObject({
      status: "running",
      planId: plan.id,
      startedBy: admin.actor.name,
      requestId: admin.requestId,
    });
    expect(queued.steps.map((step) => [step.seq, step.kind, step.status])).toEqual([
      [1, "backend.create", "running"],
      [2, "policy.update", "pending"],
    ]);
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(1);
    // The started deployment is shown as stored (written without being read back), as the plan was.
    expect(await getDeployment(contextFor("reader"), { deploymentId: queued.id })).toEqual(queued);
    const deployment = await run();
    // The API's lock was released with the deployment's end.
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(0);

    expect(deployment.status).toBe("succeeded");
    const [create, update] = deployment.steps;
    const policyEtag = plan.operations[1]!.expected === "absent" ? null : plan.operations[1]!.expected.etag;
    expect(create).toMatchObject({ status: "succeeded", ifMatch: null, httpStatus: 201, error: null });
    expect(update).toMatchObject({ status: "succeeded", ifMatch: policyEtag, httpStatus: 200, error: null });
    const liveBackend = (await apim().getBackend(`${api.name}-backend`)).value!;
    const livePolicy = (await apim().getApiPolicy(api.name)).value!;
    expect([create!.etagAfter, update!.etagAfter]).toEqual([liveBackend.etag, livePolicy.etag]);

    // Every request of a step carries the step's own correlation id, and its request ids are recorded.
    const requests = (await sandbox.controls.requests(since)).filter((request) => request.method !== "HEAD");
    for (const step of deployment.steps) {
      const sent = requests.filter((request) => request.correlationId === step.armCorrelationId);
      expect(sent.map((request) => request.requestId)).toEqual(expect.arrayContaining(step.armRequestIds));
      expect(step.armRequestIds.length).toBeGreaterThan(0);
    }
    expect(create!.armCorrelationId).not.toBe(update!.armCorrelationId);
    const policyPut = requests.find(
      (request) => request.method === "PUT" && request.correlationId === update!.armCorrelationId,
    );
    expect(policyPut).toMatchObject({ ifMatchSent: true, ifMatch: policyEtag });

    expect(deployment.result).toMatchObject({
      profileVersion: 1,
      policy: { etag: livePolicy.etag },
      backend: {
        backendId: `${api.name}-backend`,
        etag: liveBackend.etag,
        fields: { url: "https://contoso.openai.azure.com/openai" },
      },
      namedValues: [{ name: "azure-openai-api-key", displayName: "azure-openai-api-key" }],
      createdBackends: [`${api.name}-backend`],
    });
    // Read as stored: the apply went on while its events joined the chain; a reader chains first.
    await chainWaitingEvents(sandbox.db.prisma);
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: deployment.id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => [event.action, event.outcome])).toEqual([
      ["deployment.start", "success"],
      ["deployment.step", "success"],
      ["deployment.step", "success"],
      ["deployment.finish", "success"],
    ]);
    expect(events[1]!.armCorrelationId).toBe(create!.armCorrelationId);
    expect(events[2]!.after).toMatchObject({
      seq: 2,
      kind: "policy.update",
      status: "succeeded",
      ifMatch: policyEtag,
      etagAfter: livePolicy.etag,
    });
    expect((await verifyAuditChain(sandbox.db.prisma)).ok).toBe(true);
    expect(await getDeployment(contextFor("reader"), { deploymentId: deployment.id })).toEqual(deployment);
  });

  it("claims the deployment in the statement that starts it when the API's lock is free, its first step running with the id its write then carries", async () => {
    const api = await newApi("apply-claimed");
    await saveProfile(admin, api.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: api.id });
    expect(plan.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);
    const since = await lastSeq();

    const { deployment: started, run } = await startDeployment(admin, { planId: plan.id });
    expect(started.status).toBe("running");
    expect(started.steps).toEqual([
      expect.objectContaining({ seq: 1, status: "running", startedAt: expect.any(String), finishedAt: null }),
    ]);
    const [first] = started.steps;
    expect(first!.armCorrelationId).toEqual(expect.any(String));
    expect(await getDeployment(admin, { deploymentId: started.id })).toEqual(started);
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(1);

    const finished = await run();
    expect(finished.status).toBe("succeeded");
    expect(finished.steps[0]).toMatchObject({ status: "succeeded", startedAt: first!.startedAt });
    const writes = (await sandbox.controls.requests(since)).filter((request) => request.method === "PUT");
    expect(writes.map((request) => request.correlationId)).toEqual([first!.armCorrelationId]);
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(0);
    // Running it again claims nothing and writes nothing: the deployment is no longer queued.
    expect(await run()).toEqual(finished);
    expect((await sandbox.controls.requests(since)).filter((request) => request.method === "PUT")).toHaveLength(1);
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(0);
  });

  it("stops at a 412 as conflicted and asks for a new plan, which then converges", async () => {
    const api = await newApi("apply-412");
    await saveProfile(admin, api.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: api.id });
    const live = (await apim().getApiPolicy(api.name)).value!;
    await apim().putApiPolicy(
      api.name,
      live.xml.replace("<outbound>", "<outbound>\r\n    <!-- edited by hand after the plan -->"),
      { etag: live.etag },
    );

    const conflicted = await applyPlan(admin, plan.id);

    expect(conflicted.status).toBe("conflicted");
    expect(conflicted.error).toMatchObject({
      code: "conflicted",
      step: 1,
      message: expect.stringMatching(/[.!?] A new plan is needed\.$/),
    });
    expect(conflicted.steps[0]).toMatchObject({
      status: "failed",
      httpStatus: 412,
      ifMatch: live.etag,
      error: { code: "precondition_failed", status: 412, mayHaveLanded: false },
    });
    expect(conflicted.result).toBeNull();

    const { deployment } = await planAndApply(admin, api.id);
    expect(deployment.status).toBe("succeeded");
    expect((await apim().getApiPolicy(api.name)).value!.xml).toContain("edited by hand after the plan");
    expect((await createPlan(admin, { apiId: api.id })).empty).toBe(true);
  });

  it("is conflicted when another writer changes the policy just before the write (simulator concurrentWrite)", async () => {
    const api = await newApi("apply-writer");
    await saveProfile(admin, api.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: api.id });
    await sandbox.controls.setFaults({
      rules: [{ kind: "concurrentWrite", rate: 1, limit: 1, match: { methods: ["PUT"], path: "/policies/policy$" } }],
    });

    const deployment = await applyPlan(admin, plan.id);

    expect(deployment.status).toBe("conflicted");
    expect(deployment.steps[0]).toMatchObject({ status: "failed", httpStatus: 412 });
  });

  it("records each step's outcome when one fails mid-way, and applying the same plan again skips what was done and converges", async () => {
    const api = await newApi("apply-midway");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));
    const plan = await createPlan(admin, { apiId: api.id });
    // Every attempt of the policy write answers 500 (the client tries five times).
    await sandbox.controls.setFaults({
      rules: [
        { kind: "serverError", status: 500, rate: 1, limit: 5, match: { methods: ["PUT"], path: "/policies/policy$" } },
      ],
    });

    const failed = await applyPlan(admin, plan.id);

    expect(failed.status).toBe("failed");
    expect(failed.error).toMatchObject({ code: "step_failed", step: 2 });
    expect(failed.steps[0]).toMatchObject({ status: "succeeded", httpStatus: 201 });
    expect(failed.steps[1]).toMatchObject({
      status: "failed",
      httpStatus: 500,
      error: { code: "unavailable", status: 500, armCode: "InternalServerError", mayHaveLanded: true },
    });
    expect(failed.steps[1]!.armRequestIds.length).toBeGreaterThanOrEqual(5);
    await sandbox.controls.clearFaults();

    const since = await lastSeq();
    const again = await applyPlan(admin, plan.id);

    expect(again.status).toBe("succeeded");
    expect(again.steps.map((step) => step.status)).toEqual(["skipped", "succeeded"]);
    expect(again.steps[0]).toMatchObject({
      etagAfter: failed.steps[0]!.etagAfter,
      note: `Already carried out by deployment ${failed.id} of this plan; nothing was sent.`,
    });
    const writes = (await sandbox.controls.requests(since)).filter((request) =>
      ["PUT", "DELETE"].includes(request.method),
    );
    expect(writes.map((request) => request.url.split("?")[0]!.split("/").slice(-2).join("/"))).toEqual([
      "policies/policy",
    ]);
    expect(again.result).toMatchObject({
      backend: { etag: failed.steps[0]!.etagAfter },
      createdBackends: [`${api.name}-backend`],
    });
    expect((await createPlan(admin, { apiId: api.id })).empty).toBe(true);
    await chainWaitingEvents(sandbox.db.prisma);
    const stepEvents = await sandbox.db.prisma.auditEvent.count({
      where: { action: "deployment.step", targetId: { in: [failed.id, again.id] } },
    });
    expect(stepEvents).toBe(3);
  });

  it("counts a write whose answer was lost as succeeded once a re-read shows it landed, and says so", async () => {
    const api = await newApi("apply-lost");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));
    const plan = await createPlan(admin, { apiId: api.id });
    // The backend create (no If-Match: not retried) and the policy update (retried: then 412) both land, their answers are lost.
    await sandbox.controls.setFaults({
      rules: [{ kind: "drop", phase: "afterHandling", rate: 1, limit: 2, match: { methods: ["PUT"] } }],
    });

    const deployment = await applyPlan(admin, plan.id);

    expect(deployment.status).toBe("succeeded");
    const [create, update] = deployment.steps;
    expect(create).toMatchObject({
      status: "succeeded",
      httpStatus: null,
      etagAfter: (await apim().getBackend(`${api.name}-backend`)).value!.etag,
    });
    expect(update).toMatchObject({
      status: "succeeded",
      httpStatus: 412,
      etagAfter: (await apim().getApiPolicy(api.name)).value!.etag,
    });
    for (const step of [create!, update!])
      expect(step.note).toMatch(/re-reading showed APIM already holds what this step writes: the write had landed/);
  });

  it("never overwrites an entity that appeared after the plan: a create looks first (ARM has no If-None-Match)", async () => {
    const api = await newApi("apply-appeared");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));
    const plan = await createPlan(admin, { apiId: api.id });
    await apim().putBackend(
      `${api.name}-backend`,
      { url: "https://someone-else.example.com", protocol: "http" },
      "absent",
    );
    const since = await lastSeq();

    const deployment = await applyPlan(admin, plan.id);

    expect(deployment.status).toBe("conflicted");
    expect(deployment.steps[0]).toMatchObject({
      status: "failed",
      error: { message: expect.stringContaining("was created by someone else after the plan was made") },
    });
    expect((await sandbox.controls.requests(since)).filter((request) => request.method === "PUT")).toEqual([]);
    expect((await apim().getBackend(`${api.name}-backend`)).value!.properties.url).toBe(
      "https://someone-else.example.com",
    );
  });

  it("finds a create that landed unseen when the plan is applied again, and writes nothing twice", async () => {
    const api = await newApi("apply-unseen");
    await saveProfile(admin, api.id, profiles.backendKey(`${api.name}-backend`));
    const plan = await createPlan(admin, { apiId: api.id });
    // An instance crashed right after its create reached APIM: the step is left running, its lease expired.
    const { deployment: crashed } = await startDeployment(admin, { planId: plan.id });
    await sandbox.db.prisma.deployment.update({ where: { id: crashed.id }, data: { status: "running" } });
    await sandbox.db.prisma.deploymentStep.update({
      where: { deploymentId_seq: { deploymentId: crashed.id, seq: 1 } },
      data: { status: "running", startedAt: new Date() },
    });
    const create = plan.operations[0]!;
    await apim().putBackend(create.target, create.kind === "backend.create" ? create.backend : ({} as never), "absent");
    // The start took the API's lock for the run that never came.
    await sandbox.db.prisma.apiLock.update({
      where: { apiId: api.id },
      data: { holder: "crashed-instance", expiresAt: new Date(Date.now() - 1) },
    });
    const since = await lastSeq();

    const again = await applyPlan(admin, plan.id);

    expect(again.status).toBe("succeeded");
    expect(again.steps[0]).toMatchObject({
      status: "succeeded",
      note: "APIM already held exactly what this step creates, so nothing was written.",
    });
    const puts = (await sandbox.controls.requests(since)).filter((request) => request.method === "PUT");
    expect(puts.map((request) => [request.url.includes("/policies/"), request.ifMatchSent])).toEqual([[true, true]]);
  });

  it("is conflicted, writing nothing, when an old plan is applied again after a newer one changed APIM", async () => {
    const api = await newApi("apply-stale");
    await saveProfile(admin, api.id, profiles.headerKey());
    const { plan: old } = await planAndApply(admin, api.id);
    await saveProfile(admin, api.id, profiles.managedIdentity());
    expect((await planAndApply(admin, api.id)).deployment.status).toBe("succeeded");
    const since = await lastSeq();

    const again = await applyPlan(admin, old.id);

    expect(again.status).toBe("conflicted");
    expect(again.error!.message).toMatch(
      /The policy of API '.*' changed after the plan was made .* Nothing was written; make a new plan\./,
    );
    expect(again.steps.map((step) => step.status)).toEqual(["not_run"]);
    expect(
      (await sandbox.controls.requests(since)).filter(
        (request) => request.method !== "GET" && request.method !== "HEAD",
      ),
    ).toEqual([]);
  });

  it("waits for the API's lock, and marks a deployment a crashed instance left running as interrupted when its lease has expired", async () => {
    const api = await newApi("apply-crash");
    await saveProfile(admin, api.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: api.id });
    // As a crashed instance leaves it: deployment and step running, its lease on the API expired.
    const { deployment: crashed } = await startDeployment(admin, { planId: plan.id });
    await sandbox.db.prisma.deployment.update({ where: { id: crashed.id }, data: { status: "running" } });
    await sandbox.db.prisma.deploymentStep.update({
      where: { deploymentId_seq: { deploymentId: crashed.id, seq: 1 } },
      data: { status: "running", startedAt: new Date() },
    });
    await sandbox.db.prisma.apiLock.update({
      where: { apiId: api.id },
      data: { holder: "crashed-instance", expiresAt: new Date(Date.now() - 1000) },
    });

    const deployment = await applyPlan(admin, plan.id);

    expect(deployment.status).toBe("succeeded");
    const interrupted = await getDeployment(admin, { deploymentId: crashed.id });
    expect(interrupted).toMatchObject({
      status: "failed",
      error: { code: "interrupted" },
      finishedAt: expect.any(String),
    });
    expect(interrupted.steps[0]).toMatchObject({
      status: "failed",
      error: { code: "interrupted", mayHaveLanded: true },
    });
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: crashed.id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => [event.action, event.outcome, event.actorName])).toEqual([
      ["deployment.start", "success", admin.actor.name],
      ["deployment.step", "failure", "Portcullis"],
      ["deployment.finish", "failure", "Portcullis"],
    ]);
    expect(await sandbox.db.prisma.apiLock.count({ where: { apiId: api.id } })).toBe(0);
    // Had the "crashed" instance only lost its lease, its late outcome would not add a second event.
    const late: StepOutcome = {
      status: "succeeded",
      conflict: false,
      ifMatch: null,
      httpStatus: 200,
      etagAfter: '"late"',
      requestIds: [],
      error: null,
      note: null,
    };
    const lateStep = { operation: plan.operations[0]!, outcome: late, correlationId: "late-correlation" };
    await recordStepOutcome(sandbox.db.prisma, admin, crashed.id, lateStep);
    // Nor when it arrives as the step that ends the run, with the deployment's end: that is ignored too.
    const lateFinish = { status: "succeeded", error: null, result: null, lastStep: lateStep } as const;
    expect(await finishDeployment(sandbox.db.prisma, admin, crashed.id, lateFinish)).toBe(false);
    expect(await sandbox.db.prisma.auditEvent.count({ where: { targetId: crashed.id } })).toBe(3);
    expect(await getDeployment(admin, { deploymentId: crashed.id })).toMatchObject({
      status: "failed",
      steps: [{ status: "failed", etagAfter: null }],
    });

    // A live holder's lease is respected: the next apply waits for it to end.
    await saveProfile(admin, api.id, profiles.managedIdentity());
    const next = await createPlan(admin, { apiId: api.id });
    const heldUntil = new Date(Date.now() + 1500);
    await sandbox.db.prisma.apiLock.create({ data: { apiId: api.id, holder: "busy-instance", expiresAt: heldUntil } });
    // Its start finds the lock held: the deployment is queued, every step pending, and its run claims it.
    const { deployment: queued, run } = await startDeployment(admin, { planId: next.id });
    expect([queued.status, ...queued.steps.map((step) => step.status)]).toEqual(["queued", "pending"]);
    expect(await getDeployment(admin, { deploymentId: queued.id })).toEqual(queued);
    const waited = await run();
    expect(waited.status).toBe("succeeded");
    expect(new Date(waited.steps[0]!.startedAt!).getTime()).toBeGreaterThanOrEqual(heldUntil.getTime());
  });

  it("records what APIM holds when an empty plan is applied, and writes nothing when it cannot check that APIM still matches", async () => {
    const api = await newApi("apply-empty");
    await saveProfile(admin, api.id, profiles.headerKey());
    await planAndApply(admin, api.id);
    const empty = await createPlan(admin, { apiId: api.id });
    expect(empty.empty).toBe(true);

    const adopted = await applyPlan(admin, empty.id);
    expect(adopted).toMatchObject({
      status: "succeeded",
      steps: [],
      result: { policy: { etag: (await apim().getApiPolicy(api.name)).value!.etag } },
    });

    await sandbox.controls.setFaults({
      rules: [
        {
          kind: "serverError",
          status: 500,
          rate: 1,
          limit: 5,
          match: { methods: ["HEAD"], path: "/policies/policy$" },
        },
      ],
    });
    const unchecked = await applyPlan(admin, empty.id);
    expect(unchecked).toMatchObject({
      status: "failed",
      result: null,
      error: { code: "check_failed", message: expect.stringContaining("nothing was written") },
    });
  });

  it("lists an API's deployments newest first in cursor pages, and readers may not apply", async () => {
    const api = await newApi("apply-list");
    await saveProfile(admin, api.id, profiles.headerKey());
    const plan = await createPlan(admin, { apiId: api.id });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await applyPlan(admin, plan.id)).id);

    const first = await listDeployments(contextFor("reader"), { apiId: api.id, limit: 2 });
    const second = await listDeployments(contextFor("reader"), { apiId: api.id, limit: 2, cursor: first.nextCursor! });

    expect([...first.items, ...second.items].map((deployment) => deployment.id)).toEqual(ids.reverse());
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]!.steps).toHaveLength(1);
    const denied = await startDeployment(contextFor("reader"), { planId: plan.id }).catch((error: unknown) => error);
    expect((denied as AppError).code).toBe("forbidden");
  });
});
