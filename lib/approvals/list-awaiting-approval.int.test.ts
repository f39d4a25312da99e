import { describe, expect, it } from "vitest";
import { seededApis } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createChangeSet } from "../change-sets/create-change-set";
import { createPlan } from "../deployments/create-plan";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { listAwaitingApproval } from "./list-awaiting-approval";

/** The one read behind the "Waiting for approval" page, the header's count and the REST lists. */
const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Waiting Author" });
const second = contextFor("admin", { name: "Second Admin" });

describe("what waits for approval", () => {
  it("lists the plans, change sets and settings changes waiting, counts them all and marks the viewer's own", async () => {
    const [planned, inSet] = await seededApis(sandbox, author, "awaiting", 2);
    // Raising protection applies at once: from here the instance's applies need one approval.
    await updateInstanceSettings(author, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    expect(await listAwaitingApproval(second)).toEqual({ plans: [], changeSets: [], settingsChanges: [], count: 0 });

    const plan = await createPlan(author, { apiId: planned! });
    const set = await createChangeSet(author, {
      apiIds: [inSet!],
      change: { op: "addAudience", audience: "api://awaiting" },
    });
    // Lowering it again waits for another admin.
    const lowered = await updateInstanceSettings(author, {
      instanceId: sandbox.instance.id,
      settings: { approvalsRequired: 0 },
    });

    const seen = await listAwaitingApproval(second);
    expect(seen.plans.map((item) => [item.planId, item.ownPlan])).toEqual([[plan.id, false]]);
    expect(seen.changeSets.map((item) => [item.id, item.ownSet])).toEqual([[set.id, false]]);
    expect(seen.settingsChanges.map((item) => [item.id, item.ownChange])).toEqual([[lowered.pendingChange!.id, false]]);
    expect(seen.count).toBe(3);

    const own = await listAwaitingApproval(author);
    expect([own.plans[0]?.ownPlan, own.changeSets[0]?.ownSet, own.settingsChanges[0]?.ownChange]).toEqual([
      true,
      true,
      true,
    ]);
    expect(await listAwaitingApproval(contextFor("reader"))).toMatchObject({ count: 3 });
  });

  it("needs config.read, and a refusal is audited once", async () => {
    const outsider = contextFor("none");
    await expect(listAwaitingApproval(outsider)).rejects.toMatchObject({ code: "forbidden" });
    const denied = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "auth.denied", actorOid: outsider.actor.oid },
    });
    expect(denied).toHaveLength(1);
  });
});
