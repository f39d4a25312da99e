import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { seededApis } from "../../test/support/deployment-fixtures";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { storedApproval } from "../../test/support/stored-approval";
import { approveChangeSet } from "../change-sets/approve-change-set";
import { createChangeSet } from "../change-sets/create-change-set";
import { rejectChangeSet } from "../change-sets/reject-change-set";
import { readPlanContributors } from "../deployments/approval/read-plan-contributors";
import { approvePlan } from "../deployments/approve-plan";
import { createPlan } from "../deployments/create-plan";
import { rejectPlan } from "../deployments/reject-plan";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { countAwaitingApproval } from "./count-awaiting-approval";
import { listAwaitingApproval } from "./list-awaiting-approval";

// Every read of contributors goes through readPlanContributors: counted, not changed.
vi.mock("../deployments/approval/read-plan-contributors", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../deployments/approval/read-plan-contributors")>();
  return { ...actual, readPlanContributors: vi.fn(actual.readPlanContributors) };
});
const contributorReads = vi.mocked(readPlanContributors);

/**
 * The console header's count (countAwaitingApproval) reads less than the lists, yet is always
 * their length: in every state a plan, a change set or a settings change can be in, including
 * those only their content or contributors decide (an approval for other content, one by a writer
 * of what it brings).
 */
const sandbox = setupSandboxHarness();
const planner = contextFor("admin", { name: "Count Planner" });
const writer = contextFor("admin", { name: "Count Version Writer" });
const approver = contextFor("admin", { name: "Count Approver" });
const reader = contextFor("reader");
const addAudience = { op: "addAudience", audience: "api://counted" } as const;

/** What the lists hold, after checking the count says as many. */
async function listedAndCounted(): Promise<{ plans: number; changeSets: number; settingsChanges: number }> {
  const lists = await listAwaitingApproval(reader);
  const listed = {
    plans: lists.plans.length,
    changeSets: lists.changeSets.length,
    settingsChanges: lists.settingsChanges.length,
  };
  expect(await countAwaitingApproval(reader)).toBe(listed.plans + listed.changeSets + listed.settingsChanges);
  return listed;
}

describe("the header's count of what waits for approval", () => {
  it("needs config.read", async () => {
    await expect(countAwaitingApproval(contextFor("none"))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("is the lists' length in every state, reading no contributors while nothing could be approved", async () => {
    await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: 1 });
    const [waiting, approved, otherHash, expired, rejected] = await seededApis(sandbox, planner, "count-plan", 5);
    const [contributed, setContributed] = await seededApis(sandbox, writer, "count-writer", 2);
    const [setWaiting, setApproved, setRejected] = await seededApis(sandbox, planner, "count-set", 3);
    expect(await listedAndCounted()).toEqual({ plans: 0, changeSets: 0, settingsChanges: 0 });

    // Waiting with no decision at all: the count decides without contributors or plan content.
    await createPlan(planner, { apiId: waiting! });
    await createChangeSet(planner, { apiIds: [setWaiting!], change: addAudience });
    contributorReads.mockClear();
    expect(await countAwaitingApproval(reader)).toBe(2);
    expect(contributorReads).not.toHaveBeenCalled();
    expect(await listedAndCounted()).toEqual({ plans: 1, changeSets: 1, settingsChanges: 0 });

    // Approved by someone uninvolved: no longer waiting.
    const approvedPlan = await createPlan(planner, { apiId: approved! });
    await approvePlan(approver, { planId: approvedPlan.id, planHash: approvedPlan.hash });
    const approvedSet = await createChangeSet(planner, { apiIds: [setApproved!], change: addAudience });
    await approveChangeSet(approver, { changeSetId: approvedSet.id, setHash: approvedSet.hash });
    expect(await listedAndCounted()).toEqual({ plans: 1, changeSets: 1, settingsChanges: 0 });

    // An approval made for other content, one expired, and one by the writer of what it brings
    // (stored before that was refused): none counts, so each waits.
    const otherHashPlan = await createPlan(planner, { apiId: otherHash! });
    await sandbox.db.prisma.planApproval.create({
      data: { planId: otherHashPlan.id, planHash: "0".repeat(64), ...storedApproval(approver) },
    });
    const expiredPlan = await createPlan(planner, { apiId: expired! });
    await sandbox.db.prisma.planApproval.create({
      data: {
        planId: expiredPlan.id,
        planHash: expiredPlan.hash,
        ...storedApproval(approver, new Date(Date.now() - 1)),
      },
    });
    const contributedPlan = await createPlan(planner, { apiId: contributed! });
    await sandbox.db.prisma.planApproval.create({
      data: { planId: contributedPlan.id, planHash: contributedPlan.hash, ...storedApproval(writer) },
    });
    const contributedSet = await createChangeSet(planner, { apiIds: [setContributed!], change: addAudience });
    await sandbox.db.prisma.changeSetApproval.create({
      data: {
        id: randomUUID(),
        changeSetId: contributedSet.id,
        setHash: contributedSet.hash,
        ...storedApproval(writer),
      },
    });
    expect(await listedAndCounted()).toEqual({ plans: 4, changeSets: 2, settingsChanges: 0 });

    // Rejected: not waiting, whoever rejected.
    const rejectedPlan = await createPlan(planner, { apiId: rejected! });
    await rejectPlan(approver, { planId: rejectedPlan.id, reason: "not now" });
    const rejectedSet = await createChangeSet(planner, { apiIds: [setRejected!], change: addAudience });
    await rejectChangeSet(planner, { changeSetId: rejectedSet.id, reason: "withdrawn" });
    expect(await listedAndCounted()).toEqual({ plans: 4, changeSets: 2, settingsChanges: 0 });

    // A settings change lowering the instance's protection waits for another admin.
    await updateInstanceSettings(planner, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 0 } });
    expect(await listedAndCounted()).toEqual({ plans: 4, changeSets: 2, settingsChanges: 1 });
  });
});
