import { describe, expect, it } from "vitest";
import { apimClientForInstance } from "../../apim/client-for-instance";
import { AppError } from "../../errors";
import { changeInstanceSettings } from "../../../test/support/instance-settings";
import { contextFor } from "../../../test/support/request-context";
import { setupSandboxHarness } from "../../../test/support/sandbox-harness";
import {
  apiIdOf,
  dropBackendSelection,
  planAndApply,
  profiles,
  saveProfile,
} from "../../../test/support/deployment-fixtures";
import { approvePlan } from "../approve-plan";
import { createPlan } from "../create-plan";
import { backendSteps } from "./owned-backends";
import { readApiToPlan } from "./read-api-to-plan";
import { readPlanToStart } from "./read-plan-to-start";

const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Plan Author" });
const approvers = [contextFor("admin", { name: "Approver One" }), contextFor("admin", { name: "Approver Two" })];

/**
 * createPlan and startDeployment read their rows straight from the driver; these must be exactly
 * the rows Prisma gives (every field, its type: Dates, json, nulls), or the approval rules, the
 * plan view and the run would see something else than before.
 */
describe("the plan's and the start's reads through the driver", () => {
  it("give the API, its instance, its latest version, backend steps and fingerprints as Prisma does", async () => {
    const prisma = sandbox.db.prisma;
    const [name] = await sandbox.controls.seedApis(1, { prefix: "driver-reads" });
    await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
    const apiId = await apiIdOf(author, sandbox.instance.id, name!);
    expect((await readApiToPlan(apiId))?.latest).toBeNull();
    // A backend the API's deployment created (a step to read back), then a newer version.
    await saveProfile(author, apiId, profiles.backendKey(`${name}-backend`));
    expect((await planAndApply(author, apiId)).deployment.status).toBe("succeeded");
    await saveProfile(author, apiId, profiles.headerKey());
    await prisma.secret.create({
      data: {
        instanceId: sandbox.instance.id,
        namedValueId: "driver-reads-value",
        displayName: "driver-reads-value",
        kind: "value",
        fingerprint: "hmac-sha256:0a1b2c",
        createdBy: "test",
      },
    });

    const read = await readApiToPlan(apiId);
    expect(read?.api).toStrictEqual(await prisma.api.findUnique({ where: { id: apiId }, include: { instance: true } }));
    expect(read?.latest).toStrictEqual(
      await prisma.accessProfileVersion.findFirst({ where: { apiId }, orderBy: { version: "desc" } }),
    );
    expect(read?.latest?.version).toBe(2);
    const steps = await read!.reads.backendSteps(apiId);
    expect(steps).toEqual((await backendSteps(prisma, [apiId])).get(apiId));
    expect(steps).toEqual([{ kind: "backend.create", target: `${name}-backend` }]);
    const secrets = await prisma.secret.findMany({ where: { instanceId: sandbox.instance.id } });
    expect(await read!.reads.fingerprints(sandbox.instance.id)).toEqual(
      new Map(secrets.map((secret) => [secret.namedValueId, secret.fingerprint])),
    );
    expect(await readApiToPlan("00000000-0000-4000-8000-000000000000")).toBeNull();
    expect(await readApiToPlan("not-an-id")).toBeNull();
  });

  it("give the plan, its decisions oldest first, its API and instance as Prisma does", async () => {
    const [name] = await sandbox.controls.seedApis(1, { prefix: "driver-reads-plan" });
    const apiId = await apiIdOf(author, sandbox.instance.id, name!);
    await saveProfile(author, apiId, profiles.headerKey());
    await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: 2 });
    const plan = await createPlan(author, { apiId });
    for (const approver of approvers) await approvePlan(approver, { planId: plan.id, planHash: plan.hash });

    const read = await readPlanToStart(plan.id);
    expect(read).toStrictEqual(
      await sandbox.db.prisma.plan.findUnique({
        where: { id: plan.id },
        include: { approvals: { orderBy: { createdAt: "asc" } }, api: { include: { instance: true } } },
      }),
    );
    expect(read.approvals.map((approval) => approval.actorName)).toEqual(["Approver One", "Approver Two"]);
    expect(read.approvals[0]?.createdAt).toBeInstanceOf(Date);
    expect(read.api.instance.approvalsRequired).toBe(2);

    for (const missing of ["00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      const error = await readPlanToStart(missing).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("not_found");
    }
  });
});
