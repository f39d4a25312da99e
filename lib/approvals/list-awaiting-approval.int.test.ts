import { describe, expect, it, vi } from "vitest";
import { seededApis } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { appErrorOf } from "../../test/support/apim/app-error";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { listApis } from "../apis/list-apis";
import { approveChangeSet } from "../change-sets/approve-change-set";
import { createChangeSet } from "../change-sets/create-change-set";
import { findChangeSetOrThrow } from "../change-sets/find-change-set";
import { reviewChangeSet } from "../change-sets/review-change-set";
import { approvePlan } from "../deployments/approve-plan";
import { whyCannotApprovePlan } from "../deployments/approval/why-cannot-approve-plan";
import { createPlan } from "../deployments/create-plan";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import type { RequestContext } from "../auth/request-context";
import { countAwaitingApproval } from "./count-awaiting-approval";
import { listAwaitingApproval } from "./list-awaiting-approval";

// Every read of a change set's row goes through findChangeSetOrThrow: counted, not changed.
vi.mock("../change-sets/find-change-set", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../change-sets/find-change-set")>();
  return { ...actual, findChangeSetOrThrow: vi.fn(actual.findChangeSetOrThrow) };
});
const setReads = vi.mocked(findChangeSetOrThrow);

/** What the change set's page asks: the set and why the viewer may not approve it. */
async function whyCannotApproveChangeSet(ctx: RequestContext, input: { changeSetId: string }) {
  return (await reviewChangeSet(ctx, input)).whyCannotApprove();
}

/** The one read behind the "Waiting for approval" page, the header's count and the REST lists. */
const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Waiting Author" });
const second = contextFor("admin", { name: "Second Admin" });

describe("what waits for approval", () => {
  it("lists the plans, change sets and settings changes waiting, counts them all and marks the viewer's own", async () => {
    const [planned, inSet] = await seededApis(sandbox, author, "awaiting", 2);
    // Raising protection applies at once: from here the instance's applies need one approval.
    await updateInstanceSettings(author, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    expect(await listAwaitingApproval(second)).toEqual({ plans: [], changeSets: [], settingsChanges: [] });

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
    expect(await countAwaitingApproval(second)).toBe(3);

    const own = await listAwaitingApproval(author);
    expect([own.plans[0]?.ownPlan, own.changeSets[0]?.ownSet, own.settingsChanges[0]?.ownChange]).toEqual([
      true,
      true,
      true,
    ]);
    expect(await countAwaitingApproval(contextFor("reader"))).toBe(3);
  });

  it("marks what the viewer wrote of each plan's and set's inputs, the facts their approval would be refused for", async () => {
    const versionAuthor = contextFor("admin", { name: "Marked Version Author" });
    const planner = contextFor("admin", { name: "Marked Planner" });
    const uninvolved = contextFor("admin", { name: "Marked Uninvolved" });
    await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: 1 });
    // Version 1 of each API is versionAuthor's and never applied: every plan below brings it.
    const [single, ...inSet] = await seededApis(sandbox, versionAuthor, "marked", 3);
    const plan = await createPlan(planner, { apiId: single! });
    const set = await createChangeSet(planner, {
      apiIds: inSet,
      change: { op: "addAudience", audience: "api://marked" },
    });
    const names = (await listApis(planner, { search: "marked-", limit: 10 })).items.map((api) => api.apimName).sort();

    const seen = await listAwaitingApproval(versionAuthor);
    const planSeen = seen.plans.find((item) => item.planId === plan.id)!;
    const setSeen = seen.changeSets.find((item) => item.id === set.id)!;
    expect([planSeen.ownPlan, planSeen.contributed]).toEqual([false, [`profile version 1 of ${names[0]}`]]);
    expect([setSeen.ownSet, setSeen.contributed]).toEqual([
      false,
      [`profile version 1 of ${names[1]}`, `profile version 1 of ${names[2]}`],
    ]);
    // The pages say the same before anyone presses Approve, and the server refuses with it.
    expect(await whyCannotApprovePlan(versionAuthor, { planId: plan.id })).toMatchObject({
      because: "contributed",
      contributed: planSeen.contributed,
    });
    // The change set's page reads the set once for what it shows and why Approve is unavailable.
    setReads.mockClear();
    const review = await reviewChangeSet(versionAuthor, { changeSetId: set.id });
    expect(review.set.id).toBe(set.id);
    expect(await review.whyCannotApprove()).toMatchObject({
      because: "contributed",
      contributed: setSeen.contributed,
    });
    expect(setReads).toHaveBeenCalledTimes(1);
    expect((await appErrorOf(approvePlan(versionAuthor, { planId: plan.id }))).details.contributed).toEqual(
      planSeen.contributed,
    );
    expect((await appErrorOf(approveChangeSet(versionAuthor, { changeSetId: set.id }))).details.contributed).toEqual(
      setSeen.contributed,
    );

    // The author is told they made it; someone who wrote none of it is marked nowhere and may approve.
    expect(await whyCannotApprovePlan(planner, { planId: plan.id })).toMatchObject({ because: "author" });
    expect(await whyCannotApproveChangeSet(planner, { changeSetId: set.id })).toMatchObject({ because: "author" });
    const other = await listAwaitingApproval(uninvolved);
    expect(other.plans.find((item) => item.planId === plan.id)?.contributed).toEqual([]);
    expect(other.changeSets.find((item) => item.id === set.id)?.contributed).toEqual([]);
    expect(await whyCannotApprovePlan(uninvolved, { planId: plan.id })).toBeNull();
    expect(await whyCannotApproveChangeSet(uninvolved, { changeSetId: set.id })).toBeNull();
    expect((await approvePlan(uninvolved, { planId: plan.id })).approval.status).toBe("approved");
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
