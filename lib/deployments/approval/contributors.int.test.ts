import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { apimClientForInstance } from "../../apim/client-for-instance";
import type { RequestContext } from "../../auth/request-context";
import { approveChangeSet } from "../../change-sets/approve-change-set";
import { createChangeSet } from "../../change-sets/create-change-set";
import { getChangeSet } from "../../change-sets/get-change-set";
import { startChangeSetApply } from "../../change-sets/start-change-set-apply";
import { listAwaitingApproval } from "../../approvals/list-awaiting-approval";
import { putEnvironmentVariables } from "../../environments/put-environment-variables";
import { createTemplate } from "../../templates/create-template";
import { followTemplate } from "../../templates/follow-template";
import { appErrorOf as failure } from "../../../test/support/apim/app-error";
import { apiIdOf, dropBackendSelection, profiles, saveProfile } from "../../../test/support/deployment-fixtures";
import { changeInstanceSettings } from "../../../test/support/instance-settings";
import { contextFor } from "../../../test/support/request-context";
import { setupSandboxHarness } from "../../../test/support/sandbox-harness";
import { storedApproval } from "../../../test/support/stored-approval";
import { approvePlan } from "../approve-plan";
import { createPlan } from "../create-plan";
import { getPlan } from "../get-plan";
import type { PlanApprovalView } from "../schemas";
import { startDeployment } from "../start-deployment";

/** Separation of duties beyond the plan's author: whoever wrote an input a plan brings may not approve it. */
const sandbox = setupSandboxHarness();
const ENVIRONMENT = "separation";
const setup = contextFor("admin", { name: "Setup Admin" });
const planner = contextFor("admin", { name: "Planner" });
const writer = contextFor("admin", { name: "Variable Writer" });
const versionAuthor = contextFor("admin", { name: "Version Author" });
const templateAuthor = contextFor("admin", { name: "Template Author" });
const approver = contextFor("admin", { name: "Uninvolved Approver" });

let apis = 0;
/** A fresh API whose policy only inherits (dropBackendSelection), its name and id. */
async function newApi(): Promise<{ name: string; apiId: string }> {
  apis += 1;
  const [name] = await sandbox.controls.seedApis(1, { prefix: `sod-${apis}` });
  await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
  return { name: name!, apiId: await apiIdOf(setup, sandbox.instance.id, name!) };
}

/** A backend-key profile whose callers' tenant is the environment's `${tenant}`, letting in `client`. */
const withTenantVariable = (name: string, client = "11111111-2222-3333-4444-555555555555") => {
  const profile = profiles.backendKey(`${name}-backend`);
  return { ...profile, callerAuth: { ...profile.callerAuth, tenantId: "${tenant}", clientApplicationIds: [client] } };
};

const apply = async (ctx: RequestContext, planId: string) => (await startDeployment(ctx, { planId })).run();
const putTenant = (ctx: RequestContext, tenant: string) =>
  putEnvironmentVariables(ctx, { environment: ENVIRONMENT, variables: { tenant } });

beforeAll(async () => {
  await changeInstanceSettings(sandbox.instance.id, { environment: ENVIRONMENT, approvalsRequired: 1 });
  await putTenant(setup, "old.onmicrosoft.com");
});

describe("who may approve a plan: nobody who wrote what it brings", () => {
  it("refuses the writer of a variable value the plan brings; one already applied disqualifies nobody", async () => {
    const { name, apiId } = await newApi();
    await saveProfile(planner, apiId, withTenantVariable(name));
    const first = await createPlan(planner, { apiId });
    // The writer has written nothing of this plan yet: their approval counts.
    await approvePlan(writer, { planId: first.id, planHash: first.hash });
    expect((await apply(planner, first.id)).status).toBe("succeeded");

    // A new value reaches the API only through a new version, so a new plan with a new hash and
    // no approvals: an approval given before the write never covers the value written after it.
    await putTenant(writer, "new.onmicrosoft.com");
    expect((await getPlan(approver, { planId: first.id })).hash).toBe(first.hash);
    await saveProfile(planner, apiId, withTenantVariable(name));
    const second = await createPlan(planner, { apiId });
    expect(second.hash).not.toBe(first.hash);
    expect(second.approval).toMatchObject({ status: "waiting", approvedBy: 0, decisions: [] });
    const refused = await failure(approvePlan(writer, { planId: second.id, planHash: second.hash }));
    expect(refused.code).toBe("approver-contributed");
    expect(refused.details.contributed).toEqual([`the value of \${tenant} planned for ${name}`]);
    expect(refused.message).not.toContain("new.onmicrosoft.com");
    // The plan's author is refused as before, for being its author.
    expect((await failure(approvePlan(planner, { planId: second.id }))).code).toBe("forbidden");
    await approvePlan(approver, { planId: second.id, planHash: second.hash });
    expect((await apply(planner, second.id)).status).toBe("succeeded");

    // Once applied, the value is the API's: a later plan that keeps it may be approved by its writer.
    await saveProfile(planner, apiId, withTenantVariable(name, "99999999-2222-3333-4444-555555555555"));
    const third = await createPlan(planner, { apiId });
    expect((await approvePlan(writer, { planId: third.id, planHash: third.hash })).approval.status).toBe("approved");
  });

  it("refuses the author of the version planned, and of an earlier unapplied version it carries", async () => {
    const { name, apiId } = await newApi();
    await saveProfile(versionAuthor, apiId, profiles.backendKey(`${name}-backend`));
    const plan = await createPlan(planner, { apiId });
    const refused = await failure(approvePlan(versionAuthor, { planId: plan.id }));
    expect(refused.code).toBe("approver-contributed");
    expect(refused.details.contributed).toEqual([`profile version 1 of ${name}`]);

    // Another admin's version 2 builds on version 1, never applied: both reach the API with it.
    await saveProfile(setup, apiId, profiles.backendKey(`${name}-backend`, "https://other.openai.azure.com/openai"));
    const next = await createPlan(planner, { apiId });
    expect((await failure(approvePlan(versionAuthor, { planId: next.id }))).details.contributed).toEqual([
      `profile version 1 of ${name}`,
    ]);
    expect((await approvePlan(approver, { planId: next.id })).approval.status).toBe("approved");
  });

  it("refuses the author of the template version a following API's plan brings", async () => {
    const { name, apiId } = await newApi();
    const template = await createTemplate(templateAuthor, {
      name: `sod-template-${apis}`,
      profile: withTenantVariable(name),
    });
    await followTemplate(planner, { apiId, follow: { templateId: template.id } });
    const plan = await createPlan(planner, { apiId });
    const refused = await failure(approvePlan(templateAuthor, { planId: plan.id }));
    expect(refused.code).toBe("approver-contributed");
    expect(refused.details.contributed).toEqual([`template sod-template-${apis} version 1`]);
    expect((await approvePlan(approver, { planId: plan.id })).approval.status).toBe("approved");
  });
});

describe("who may approve a change set: nobody who wrote what any of its plans brings", () => {
  it("refuses a writer of one input of one plan among many", async () => {
    const made = await Promise.all([newApi(), newApi(), newApi()]);
    for (const { name, apiId } of made) await saveProfile(setup, apiId, profiles.backendKey(`${name}-backend`));
    // One API has a version by versionAuthor, not applied: the set's edit builds on it.
    const [, middle] = made;
    await saveProfile(
      versionAuthor,
      middle!.apiId,
      profiles.backendKey(`${middle!.name}-backend`, "https://other.openai.azure.com/openai"),
    );
    const set = await createChangeSet(planner, {
      apiIds: made.map(({ apiId }) => apiId),
      change: { op: "addClientApplication", clientApplicationId: "33333333-2222-3333-4444-555555555555" },
    });
    expect(set.items.map((item) => item.status)).toEqual(["planned", "planned", "planned"]);
    const refused = await failure(approveChangeSet(versionAuthor, { changeSetId: set.id, setHash: set.hash }));
    expect(refused.code).toBe("approver-contributed");
    expect(refused.details.contributed).toEqual([`profile version 2 of ${middle!.name}`]);
    expect(refused.message).toContain("this change set brings to its APIs");
    expect((await failure(approveChangeSet(planner, { changeSetId: set.id }))).code).toBe("forbidden");
    const approved = await approveChangeSet(approver, { changeSetId: set.id, setHash: set.hash });
    expect(approved.approval.status).toBe("approved");
  });
});

describe("an approval recorded before the rule refused it (from a writer of what it brings) does not count", () => {
  /** It waits with no approval counted, saying why the stored one does not count, and applying it is refused. */
  async function expectWaiting(approval: PlanApprovalView, applying: Promise<unknown>) {
    expect(approval).toMatchObject({ status: "waiting", approvedBy: 0 });
    expect(approval.decisions).toMatchObject([{ counts: false, notCountedBecause: "contributed" }]);
    const refused = await failure(applying);
    expect(refused.code).toBe("approval-required");
    expect(refused.details).toMatchObject({ approvedBy: 0, approvalStatus: "waiting" });
  }

  it("leaves a plan waiting, so applying it is refused until an uninvolved admin approves", async () => {
    const { name, apiId } = await newApi();
    await saveProfile(versionAuthor, apiId, profiles.backendKey(`${name}-backend`));
    const plan = await createPlan(planner, { apiId });
    await sandbox.db.prisma.planApproval.create({
      data: { planId: plan.id, planHash: plan.hash, ...storedApproval(versionAuthor) },
    });

    await expectWaiting(
      (await getPlan(approver, { planId: plan.id })).approval,
      startDeployment(planner, { planId: plan.id }),
    );
    expect((await listAwaitingApproval(approver, ["plans"])).plans.map((item) => item.planId)).toContain(plan.id);

    await approvePlan(approver, { planId: plan.id, planHash: plan.hash });
    expect((await apply(planner, plan.id)).status).toBe("succeeded");
  });

  it("leaves a change set waiting, so applying it is refused", async () => {
    const { name, apiId } = await newApi();
    await saveProfile(versionAuthor, apiId, profiles.backendKey(`${name}-backend`));
    const set = await createChangeSet(planner, {
      apiIds: [apiId],
      change: { op: "addClientApplication", clientApplicationId: "44444444-2222-3333-4444-555555555555" },
    });
    await sandbox.db.prisma.changeSetApproval.create({
      data: { id: randomUUID(), changeSetId: set.id, setHash: set.hash, ...storedApproval(versionAuthor) },
    });

    await expectWaiting(
      (await getChangeSet(approver, { changeSetId: set.id })).approval,
      startChangeSetApply(planner, { changeSetId: set.id }),
    );
    expect((await listAwaitingApproval(approver, ["changeSets"])).changeSets.map((item) => item.id)).toContain(set.id);
  });
});
