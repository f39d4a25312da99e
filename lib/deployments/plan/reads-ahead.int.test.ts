import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { apimClientForInstance } from "../../apim/client-for-instance";
import { contextFor } from "../../../test/support/request-context";
import { setupSandboxHarness } from "../../../test/support/sandbox-harness";
import { apiIdOf, dropBackendSelection, profiles, saveProfile } from "../../../test/support/deployment-fixtures";
import { createPlan } from "../create-plan";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const lastSeq = async () => (await sandbox.controls.requests()).at(-1)?.seq ?? 0;

/** The API's own GET among the simulator's requests since `since`. */
async function apiReadSince(since: number, apimName: string): Promise<boolean> {
  const path = `/apis/${apimName}?`;
  return (await sandbox.controls.requests(since)).some((entry) => entry.method === "GET" && entry.url.includes(path));
}

async function plannedApi(prefix: string): Promise<{ id: string; name: string }> {
  const [name] = await sandbox.controls.seedApis(1, { prefix });
  await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
  const id = await apiIdOf(admin, sandbox.instance.id, name!);
  await saveProfile(admin, id, profiles.headerKey());
  return { id, name: name! };
}

describe("a plan of an API this process planned before", () => {
  it("sends its reads of APIM before the database has answered, and plans what it planned without them", async () => {
    const api = await plannedApi("ahead");
    let since = await lastSeq();
    const first = await createPlan(admin, { apiId: api.id });
    const firstRequests = (await sandbox.controls.requests(since)).length;

    // The apis table held: the plan's statement that reads its API waits until the lock is let go.
    since = await lastSeq();
    let plan: Promise<Awaited<ReturnType<typeof createPlan>>> | undefined;
    const readWhileHeld = await sandbox.db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`LOCK TABLE apis IN ACCESS EXCLUSIVE MODE`;
      plan = createPlan(admin, { apiId: api.id });
      for (let waited = 0; waited < 3_000; waited += 25) {
        if (await apiReadSince(since, api.name)) return true;
        await sleep(25);
      }
      return false;
    });
    const second = await plan!;
    expect(readWhileHeld).toBe(true);
    // Each read once: the plan used the reads it sent ahead, and sent no second copy of them.
    expect((await sandbox.controls.requests(since)).length).toBe(firstRequests);
    expect(second.operations).toEqual(first.operations);
    expect(second.diff.policy).toEqual(first.diff.policy);
  });

  it("drops the reads it sent where the API no longer lives, and plans the API where the database says it is", async () => {
    const moved = await plannedApi("ahead-from");
    const [elsewhere] = await sandbox.controls.seedApis(1, { prefix: "ahead-to" });
    const apim = apimClientForInstance(sandbox.instance);
    await dropBackendSelection(apim, [elsewhere!]);
    // The two policies differ, so a plan of one can be told from a plan of the other.
    const live = (await apim.getApiPolicy(elsewhere!)).value!;
    await apim.putApiPolicy(elsewhere!, live.xml.replace("<base />", "<base /><!-- elsewhere -->"), {
      etag: live.etag,
    });
    await createPlan(admin, { apiId: moved.id });

    // The API's row now names the other APIM API (as a rename in APIM, synced, would).
    await sandbox.db.prisma.api.update({ where: { id: moved.id }, data: { apimName: elsewhere! } });
    const since = await lastSeq();
    const plan = await createPlan(admin, { apiId: moved.id });

    expect(await apiReadSince(since, moved.name)).toBe(true);
    expect(await apiReadSince(since, elsewhere!)).toBe(true);
    expect(plan.diff.policy.before).toContain("<!-- elsewhere -->");
    const policyEtag = (await apim.getApiPolicy(elsewhere!)).value!.etag;
    expect(plan.operations.map(({ kind, target, expected }) => ({ kind, target, expected }))).toEqual([
      { kind: "policy.update", target: elsewhere!, expected: { etag: policyEtag } },
    ]);
  });
});
