import { describe, expect, it } from "vitest";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { seededApis } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { approveChangeSet } from "./approve-change-set";
import { createChangeSet } from "./create-change-set";
import { listAwaitingApproval } from "../approvals/list-awaiting-approval";
import type { RequestContext } from "../auth/request-context";
import { rejectChangeSet } from "./reject-change-set";
import { startChangeSetApply } from "./start-change-set-apply";

/** What listAwaitingApproval answers for changeSets alone (the REST list's read). */
const listChangeSetsAwaitingApproval = async (ctx: RequestContext) =>
  (await listAwaitingApproval(ctx, ["changeSets"])).changeSets;

/** The "Waiting for approval" list of change sets: which sets it holds and what it says of them. */
const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Set Author" });
const second = contextFor("admin", { name: "Second Admin" });
const third = contextFor("admin", { name: "Third Admin" });
const reader = contextFor("reader");
const addClient = { op: "addClientApplication", clientApplicationId: "99999999-2222-3333-4444-555555555555" } as const;

describe("change sets waiting for approval", () => {
  it(
    "lists a set until it has its approvals, again once they expired; never a rejected, applied or unneeded one",
    { timeout: 120_000 },
    async () => {
      const ids = await seededApis(sandbox, author, "csw", 2);
      // Needing no approval, it waits for none…
      const earlier = await createChangeSet(author, { apiIds: ids, change: addClient });
      expect(await listChangeSetsAwaitingApproval(reader)).toEqual([]);
      await updateInstanceSettings(author, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 2 } });
      try {
        // …until its instance requires approvals: applying it would need them now.
        expect(await listChangeSetsAwaitingApproval(reader)).toMatchObject([
          { id: earlier.id, approval: { required: 2, approvedBy: 0 } },
        ]);
        await rejectChangeSet(second, { changeSetId: earlier.id, reason: "not this week" });
        expect(await listChangeSetsAwaitingApproval(reader)).toEqual([]);

        const set = await createChangeSet(author, {
          apiIds: ids,
          change: { op: "removeClientApplication", clientApplicationId: addClient.clientApplicationId },
        });
        const listed = await listChangeSetsAwaitingApproval(reader);
        expect(listed.map((item) => item.id)).toEqual([set.id]);
        expect(listed[0]).toMatchObject({
          title: set.title,
          hash: set.hash,
          apis: 2,
          variables: null,
          createdBy: "Set Author",
          ownSet: false,
          approval: { required: 2, approvedBy: 0, status: "waiting" },
          approvalExpiresAt: null,
        });
        // The author sees their own set, marked: another admin must approve it.
        expect((await listChangeSetsAwaitingApproval(author)).map((item) => [item.id, item.ownSet])).toEqual([
          [set.id, true],
        ]);

        const once = await approveChangeSet(second, { changeSetId: set.id, setHash: set.hash });
        expect((await listChangeSetsAwaitingApproval(reader))[0]).toMatchObject({
          id: set.id,
          approval: { approvedBy: 1, required: 2 },
          approvalExpiresAt: once.approval.decisions[0]!.expiresAt,
        });
        await approveChangeSet(third, { changeSetId: set.id, setHash: set.hash });
        expect(await listChangeSetsAwaitingApproval(reader)).toEqual([]);

        // An expired approval no longer counts: the set needs approving again.
        await sandbox.db.prisma.changeSetApproval.updateMany({
          where: { changeSetId: set.id },
          data: { expiresAt: new Date(Date.now() - 1000) },
        });
        expect(await listChangeSetsAwaitingApproval(reader)).toMatchObject([
          { id: set.id, approval: { approvedBy: 0 }, approvalExpiresAt: null },
        ]);

        await approveChangeSet(second, { changeSetId: set.id, setHash: set.hash });
        await approveChangeSet(third, { changeSetId: set.id, setHash: set.hash });
        await (await startChangeSetApply(author, { changeSetId: set.id })).run();
        // Applied: its approvals expiring later makes it wait for nothing.
        await sandbox.db.prisma.changeSetApproval.updateMany({
          where: { changeSetId: set.id },
          data: { expiresAt: new Date(Date.now() - 1000) },
        });
        expect(await listChangeSetsAwaitingApproval(reader)).toEqual([]);
      } finally {
        await changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null });
      }
    },
  );

  it("is not for callers who may not read the configuration", async () => {
    await expect(listChangeSetsAwaitingApproval(contextFor("none"))).rejects.toMatchObject({ code: "forbidden" });
  });
});
