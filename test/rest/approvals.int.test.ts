import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as plans from "../../app/api/v1/apis/[id]/plans/route";
import * as audit from "../../app/api/v1/audit/route";
import * as instance from "../../app/api/v1/instances/[id]/route";
import * as approvals from "../../app/api/v1/plans/[id]/approvals/route";
import * as awaiting from "../../app/api/v1/plans/awaiting-approval/route";
import * as apply from "../../app/api/v1/plans/[id]/apply/route";
import * as rejections from "../../app/api/v1/plans/[id]/rejections/route";
import * as settingsChangeApprovals from "../../app/api/v1/instance-settings-changes/[id]/approvals/route";
import * as settingsChangesAwaiting from "../../app/api/v1/instance-settings-changes/awaiting-approval/route";
import type { PlanAwaitingApproval, PlanView } from "../../lib/deployments/schemas";
import type { InstanceSettingsChangeView, InstanceView } from "../../lib/instances/schemas";
import { callRoute } from "../support/call-route";
import { apiIdOf, profiles, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
/** The second admin, as a use case's caller: the same object id as `person`'s token. */
const secondAdmin = contextFor("admin", { oid: randomUUID(), name: "Second Admin" });
let pipeline = "";
let secondPipeline = "";
let person = "";
let reader = "";
let reviewer = "";

beforeAll(async () => {
  pipeline = await sandbox.tokens.automation();
  secondPipeline = await sandbox.tokens.automation("second");
  // One person (one object id) across requests: the second admin of four-eyes.
  person = await sandbox.tokens.user("admin", { oid: secondAdmin.actor.oid, name: secondAdmin.actor.name });
  reader = await sandbox.tokens.user("reader");
  reviewer = await sandbox.tokens.user("reviewer");
});

const patchInstance = (token: string, body: unknown) =>
  callRoute(instance.PATCH, {
    path: `/instances/${sandbox.instance.id}`,
    method: "PATCH",
    token,
    body,
    params: { id: sandbox.instance.id },
  });

const planAction = (handler: typeof approvals.POST, what: string, planId: string, token: string, body?: unknown) =>
  callRoute(handler, { path: `/plans/${planId}/${what}`, method: "POST", token, body, params: { id: planId } });

/** A plan made by the first automation client, on an API (seeded with `prefix`) whose profile `savedBy` saved. */
async function pipelinePlan(savedBy = admin, prefix = "rest-four-eyes"): Promise<PlanView> {
  const [name] = await sandbox.controls.seedApis(1, { prefix });
  const apiId = await apiIdOf(admin, sandbox.instance.id, name!);
  await saveProfile(savedBy, apiId, profiles.headerKey());
  const created = await callRoute(plans.POST, {
    path: `/apis/${apiId}/plans`,
    method: "POST",
    token: pipeline,
    params: { id: apiId },
  });
  expect(created.status).toBe(201);
  return created.body as PlanView;
}

describe("REST: four-eyes approval", () => {
  it("PATCH /instances/{id} sets the environment and approval settings; readers may not", async () => {
    const production = await patchInstance(pipeline, { environment: "production" });
    expect(production.status).toBe(200);
    expect((production.body as InstanceView).approvals).toEqual({
      required: 1,
      setting: null,
      automationApprovers: false,
      lifetimeHours: 24,
    });
    const bad = await patchInstance(pipeline, { approvalsRequired: 5, automationApprovers: "yes" });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path).sort()).toEqual([
      "approvalsRequired",
      "automationApprovers",
    ]);
    expect((await patchInstance(pipeline, {})).status).toBe(400);
    expect((await patchInstance(reviewer, { environment: "test" })).status).toBe(403);
  });

  it("refuses an unapproved apply with 409 approval-required, and applies once another admin approved", async () => {
    const plan = await pipelinePlan();
    expect(plan.approval).toMatchObject({ required: 1, status: "waiting" });

    const refused = await planAction(apply.POST, "apply", plan.id, pipeline);
    expect(refused.status).toBe(409);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body).toMatchObject({ code: "approval-required", status: 409, planHash: plan.hash });

    // The author's own approval, and automation's while the instance does not accept it, are refused.
    expect((await planAction(approvals.POST, "approvals", plan.id, pipeline)).status).toBe(403);
    const byAutomation = await planAction(approvals.POST, "approvals", plan.id, secondPipeline);
    expect(byAutomation.status).toBe(403);
    expect(byAutomation.body).toMatchObject({ detail: expect.stringMatching(/automation/) });
    expect((await planAction(approvals.POST, "approvals", plan.id, reader)).status).toBe(403);

    const approved = await planAction(approvals.POST, "approvals", plan.id, person);
    expect(approved.status).toBe(201);
    expect((approved.body as PlanView).approval).toMatchObject({ status: "approved", approvedBy: 1 });
    expect((await planAction(apply.POST, "apply", plan.id, pipeline)).status).toBe(202);

    const history = await callRoute(audit.GET, { path: `/audit?planHash=${plan.hash}`, token: reviewer });
    expect(history.status).toBe(200);
    const actions = (history.body as { items: Array<{ action: string }> }).items.map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining(["approval.request", "deployment.refuse", "approval.approve", "deployment.start"]),
    );
    expect((await callRoute(audit.GET, { path: `/audit?planHash=nothex`, token: reviewer })).status).toBe(400);
  });

  it("refuses with 403 approver-contributed an admin who wrote an input of the plan, naming it", async () => {
    const plan = await pipelinePlan(secondAdmin, "rest-contributed");
    const refused = await planAction(approvals.POST, "approvals", plan.id, person, { planHash: plan.hash });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body).toMatchObject({
      status: 403,
      code: "approver-contributed",
      title: "You wrote an input of what you would approve",
      detail: expect.stringMatching(
        /^You wrote what this plan brings to its API \(profile version 1 of rest-contributed-1\)/,
      ),
      contributed: ["profile version 1 of rest-contributed-1"],
    });
    // The waiting list says so before they try, naming the same input.
    const listed = await callRoute(awaiting.GET, { path: "/plans/awaiting-approval", token: person });
    const items = (listed.body as { items: Array<{ planId: string; contributed: string[] }> }).items;
    expect(items.find((item) => item.planId === plan.id)?.contributed).toEqual([
      "profile version 1 of rest-contributed-1",
    ]);
    // The refusal is in the plan's history, as the author's is.
    const history = await callRoute(audit.GET, { path: `/audit?planHash=${plan.hash}`, token: reviewer });
    expect((history.body as { items: Array<{ action: string; outcome: string }> }).items).toContainEqual(
      expect.objectContaining({ action: "approval.approve", outcome: "denied" }),
    );
  });

  it("counts automation's approval where the instance allows automation approvers", async () => {
    // Lowering protection: an admin asks, another approves (automation may not ask).
    const asked = await patchInstance(person, { automationApprovers: true });
    expect(asked.status).toBe(202);
    const changeId = asked.headers.get("location")!.split("/").at(-1)!;
    const waitingChange = async (token: string) => {
      const listed = await callRoute(settingsChangesAwaiting.GET, {
        path: "/instance-settings-changes/awaiting-approval",
        token,
      });
      expect(listed.status).toBe(200);
      return (listed.body as { items: InstanceSettingsChangeView[] }).items.find((item) => item.id === changeId);
    };
    expect(await waitingChange(reader)).toMatchObject({
      status: "pending",
      ownChange: false,
      instance: { id: sandbox.instance.id },
      approval: { status: "waiting", required: 1, approvedBy: 0 },
    });
    expect((await waitingChange(person))?.ownChange).toBe(true);
    const approved = await callRoute(settingsChangeApprovals.POST, {
      path: `/instance-settings-changes/${changeId}/approvals`,
      method: "POST",
      token: await sandbox.tokens.user("admin", { oid: randomUUID(), name: "Third Admin" }),
      body: {},
      params: { id: changeId },
    });
    expect(approved.body).toMatchObject({ status: "applied" });
    expect(await waitingChange(reader)).toBeUndefined();
    try {
      const plan = await pipelinePlan();
      const approved = await planAction(approvals.POST, "approvals", plan.id, secondPipeline);
      expect(approved.status).toBe(201);
      expect((approved.body as PlanView).approval.status).toBe("approved");
    } finally {
      await patchInstance(pipeline, { automationApprovers: false });
    }
  });

  it("rejects with a reason (required); a rejected plan cannot be applied", async () => {
    const plan = await pipelinePlan();
    const noReason = await planAction(rejections.POST, "rejections", plan.id, person, {});
    expect(noReason.status).toBe(400);
    expect((noReason.body as { errors: Array<{ path: string }> }).errors[0]?.path).toBe("reason");
    const rejected = await planAction(rejections.POST, "rejections", plan.id, person, { reason: "Not in the window" });
    expect(rejected.status).toBe(201);
    expect((rejected.body as PlanView).approval.status).toBe("rejected");
    const refused = await planAction(apply.POST, "apply", plan.id, pipeline);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: "approval-required",
      detail: expect.stringContaining("Not in the window"),
    });
  });

  it("GET /plans/awaiting-approval lists a waiting plan, marks the caller's own, and drops it once approved", async () => {
    const plan = await pipelinePlan();
    const waitingFor = async (token: string) => {
      const listed = await callRoute(awaiting.GET, { path: "/plans/awaiting-approval", token });
      expect(listed.status).toBe(200);
      return (listed.body as { items: PlanAwaitingApproval[] }).items.find((item) => item.planId === plan.id);
    };
    expect(await waitingFor(reader)).toMatchObject({
      hash: plan.hash,
      ownPlan: false,
      instance: { id: sandbox.instance.id },
      approval: { status: "waiting", required: 1, approvedBy: 0 },
    });
    expect((await waitingFor(pipeline))?.ownPlan).toBe(true);

    expect((await planAction(approvals.POST, "approvals", plan.id, person)).status).toBe(201);
    expect(await waitingFor(reader)).toBeUndefined();
    expect((await callRoute(awaiting.GET, { path: "/plans/awaiting-approval" })).status).toBe(401);
  });
});
