import { describe, expect, it } from "vitest";
import { profiles, saveProfile, seededApis } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { whileWriteRefused } from "../../test/support/refused-write";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { profileEtag } from "../profiles/profile-etag";
import { createChangeSet, findApisWithProfile } from "./create-change-set";
import type { AccessProfile } from "../policy/profile-schema";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import { makeChangeSet, type ItemIntent } from "./make-change-set";

/**
 * A set's new profile versions commit with the set: a set that fails to be stored leaves no
 * version (nor its event, nor a plan) behind, and a version another save took meanwhile blocks
 * only its own API.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin", { name: "Set Author" });
const NEW_CLIENT = "99999999-2222-3333-4444-666666666666";
const addClient = { op: "addClientApplication", clientApplicationId: NEW_CLIENT } as const;

/** What each API holds: its versions, their `profile.save` events and its plans. */
async function held(apiIds: string[]) {
  const { prisma } = sandbox.db;
  return Promise.all(
    apiIds.map(async (apiId) => ({
      versions: await prisma.accessProfileVersion.count({ where: { apiId } }),
      saves: await prisma.auditEvent.count({ where: { action: "profile.save", targetId: apiId } }),
      plans: await prisma.plan.count({ where: { apiId } }),
    })),
  );
}

describe("making a change set", () => {
  it("stores no version when the set fails to be stored; the next set saves and plans them as its own", async () => {
    const ids = await seededApis(sandbox, admin, "cs-atomic", 3);
    const before = await held(ids);
    const sets = await sandbox.db.prisma.changeSet.count();

    await whileWriteRefused(sandbox.db.owner, "INSERT ON change_sets", () =>
      createChangeSet(admin, { apiIds: ids, change: addClient }),
    );
    expect(await held(ids)).toEqual(before);
    expect(await sandbox.db.prisma.changeSet.count()).toBe(sets);

    // Nothing was left "saved earlier, not applied yet": the next set saves version 2 itself.
    const set = await createChangeSet(admin, { apiIds: ids, change: addClient });
    expect(set.items.map((item) => [item.status, item.summary])).toEqual(
      ids.map(() => ["planned", expect.not.stringContaining("Saved earlier")]),
    );
    expect(await held(ids)).toEqual(
      before.map(({ versions, saves, plans }) => ({ versions: versions + 1, saves: saves + 1, plans: plans + 1 })),
    );
  });

  it("blocks as stale only the API whose next version another save took after the set read it", async () => {
    const ids = await seededApis(sandbox, admin, "cs-raced", 2);
    const [raced, other] = ids as [string, string];
    const read = await findApisWithProfile(ids, "apiIds");
    // Another save takes version 2 of `raced` after the set read version 1.
    await saveProfile(admin, raced, profiles.headerKey("11111111-2222-3333-4444-000000000002"));
    const before = await held(ids);

    const profile = profiles.headerKey(NEW_CLIENT);
    const intent: ItemIntent = {
      kind: "save",
      save: {
        profile: {
          ...profile,
          callerAuth: { ...profile.callerAuth, audiences: [], requiredClaims: [] },
        } as AccessProfile,
        ifMatch: profileEtag(1),
      },
    };
    const edited = (apiId: string) => ({ api: read.get(apiId)!, intent });
    const set = await makeChangeSet(admin, { title: "Raced", change: addClient, apis: ids.map(edited) });

    expect(set.items.map((item) => [item.apiId, item.status])).toEqual([
      [raced, "blocked"],
      [other, "planned"],
    ]);
    expect(set.items[0]!.blocking).toEqual([expect.objectContaining({ code: "precondition_failed" })]);
    const [racedNow, otherNow] = await held(ids);
    expect(racedNow).toEqual(before[0]);
    expect(otherNow).toEqual({ versions: 2, saves: before[1]!.saves + 1, plans: before[1]!.plans + 1 });
    const latest = await sandbox.db.prisma.accessProfileVersion.findFirstOrThrow({
      where: { apiId: raced },
      orderBy: { version: "desc" },
    });
    expect(latest.profile).toMatchObject({
      callerAuth: { clientApplicationIds: ["11111111-2222-3333-4444-000000000002"] },
    });
  });

  it("decides each API in its own place when there are more than run at once: items and versions stay with their APIs", async () => {
    const ids = await seededApis(sandbox, admin, "cs-places", CHANGE_SET_CONCURRENCY + 3);
    const read = await findApisWithProfile(ids, "apiIds");
    // The last API, past the first 16, has its next version taken by another save after the set read it.
    const raced = ids.length - 1;
    const racer = "11111111-2222-3333-4444-000000000003";
    await saveProfile(admin, ids[raced]!, profiles.headerKey(racer));
    const clientOf = (index: number) => `99999999-2222-3333-4444-${String(index).padStart(12, "0")}`;
    // In turn: a new version of its own, blocked before planning, a version refused (stale If-Match).
    const intentOf = (index: number): ItemIntent =>
      index % 3 === 1
        ? { kind: "blocked", code: "test-blocked", message: `blocked ${index}` }
        : {
            kind: "save",
            save: {
              profile: profiles.headerKey(clientOf(index)) as AccessProfile,
              ifMatch: profileEtag(index % 3 === 0 ? 1 : 7),
            },
          };
    const set = await makeChangeSet(admin, {
      title: "Places",
      change: addClient,
      apis: ids.map((apiId, index) => ({ api: read.get(apiId)!, intent: intentOf(index) })),
    });

    const expected = [
      ["planned", []],
      ["blocked", ["test-blocked"]],
      ["blocked", ["precondition_failed"]],
    ];
    // The view lists items by status; each API's own is what counts.
    const byApi = (items: typeof set.items) =>
      Object.fromEntries(items.map((item) => [item.apiId, [item.status, item.blocking.map((reason) => reason.code)]]));
    expect(byApi(set.items)).toEqual(
      Object.fromEntries(
        ids.map((apiId, index) => [
          apiId,
          index === raced ? ["blocked", ["precondition_failed"]] : expected[index % 3],
        ]),
      ),
    );
    const latest = await sandbox.db.prisma.accessProfileVersion.findMany({
      where: { apiId: { in: ids } },
      orderBy: { version: "desc" },
      distinct: ["apiId"],
    });
    const latestOf = new Map(latest.map((version) => [version.apiId, version]));
    ids.forEach((apiId, index) => {
      const version = latestOf.get(apiId)!;
      expect([apiId, version.version]).toEqual([apiId, index % 3 === 0 ? 2 : 1]);
      if (index % 3 === 0)
        expect(version.profile).toMatchObject({
          callerAuth: { clientApplicationIds: [index === raced ? racer : clientOf(index)] },
        });
    });
  });
});
