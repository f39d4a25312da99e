import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changeInstanceSettings } from "../../test/support/instance-settings";
import { profiles, seededApis } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { cloudEventSchema } from "../notifications/cloud-event";
import { registerWebhook } from "../notifications/register-webhook";
import { approveChangeSet } from "./approve-change-set";
import { createChangeSet } from "./create-change-set";
import { createProfilesChangeSet } from "./create-profiles-change-set";
import { getChangeSet } from "./get-change-set";
import { listChangeSets } from "./list-change-sets";
import { listAwaitingApproval } from "../approvals/list-awaiting-approval";
import type { RequestContext } from "../auth/request-context";
import { rejectChangeSet } from "./reject-change-set";
import { startChangeSetApply } from "./start-change-set-apply";

/** What listAwaitingApproval answers for changeSets alone (the REST list's read). */
const listChangeSetsAwaitingApproval = async (ctx: RequestContext) =>
  (await listAwaitingApproval(ctx, ["changeSets"])).changeSets;

/** A newer change set replaces the older ones not yet applied that it covers (README, "Superseding"). */
const sandbox = setupSandboxHarness();
const author = contextFor("admin", { name: "Set Author" });
const second = contextFor("admin", { name: "Second Admin" });
const client = (n: number) => `99999999-2222-3333-4444-${String(n).padStart(12, "0")}`;
const addClient = (n: number) => ({ op: "addClientApplication", clientApplicationId: client(n) }) as const;

beforeEach(() => changeInstanceSettings(sandbox.instance.id, { approvalsRequired: 1 }));
afterEach(() => changeInstanceSettings(sandbox.instance.id, { approvalsRequired: null }));

async function supersededEvents(changeSetId: string) {
  return sandbox.db.prisma.auditEvent.findMany({
    where: { action: "change_set.superseded", targetId: changeSetId },
  });
}

describe("superseding change sets", () => {
  it(
    "a set over the same APIs replaces the older one: it names its replacement, leaves the approvals list, refuses approval and apply with 409, is audited and announced",
    { timeout: 120_000 },
    async () => {
      await sandbox.db.prisma.webhook.deleteMany();
      const webhook = await registerWebhook(author, {
        url: `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/events`,
        instanceId: sandbox.instance.id,
        events: ["approval.superseded"],
      });
      const ids = await seededApis(sandbox, author, "supersede-same", 2);
      const first = await createChangeSet(author, { apiIds: ids, change: addClient(1) });
      expect((await listChangeSetsAwaitingApproval(second)).map((set) => set.id)).toContain(first.id);

      const newer = await createChangeSet(author, { apiIds: [...ids].reverse(), change: addClient(2) });
      const old = await getChangeSet(second, { changeSetId: first.id });
      expect(old).toMatchObject({ status: "superseded", supersededBy: { id: newer.id, title: newer.title } });
      expect(newer.status).toBe("ready");
      const waiting = (await listChangeSetsAwaitingApproval(second)).map((set) => set.id);
      expect(waiting).toContain(newer.id);
      expect(waiting).not.toContain(first.id);
      expect((await listChangeSets(second)).items.find((set) => set.id === first.id)).toMatchObject({
        status: "superseded",
        supersededBy: { id: newer.id },
      });

      const refusal = { code: "superseded", details: { supersededBy: { id: newer.id, title: newer.title } } };
      await expect(approveChangeSet(second, { changeSetId: first.id })).rejects.toMatchObject(refusal);
      await expect(rejectChangeSet(second, { changeSetId: first.id, reason: "no" })).rejects.toMatchObject(refusal);
      await expect(startChangeSetApply(author, { changeSetId: first.id })).rejects.toMatchObject(refusal);
      await expect(startChangeSetApply(author, { changeSetId: first.id })).rejects.toThrow(newer.id);

      expect(await supersededEvents(first.id)).toMatchObject([
        { actorName: "Set Author", after: { setHash: first.hash, supersededBy: newer.id } },
      ]);
      const deliveries = await sandbox.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
      expect(deliveries.map((row) => cloudEventSchema.parse(row.payload))).toMatchObject([
        {
          type: "com.portcullis.approval.superseded",
          subject: sandbox.instance.id,
          data: { changeSetId: first.id, setHash: first.hash, supersededBy: { changeSetId: newer.id } },
        },
      ]);

      // The newer one goes on as any set: approved by another admin, applied.
      await approveChangeSet(second, { changeSetId: newer.id, setHash: newer.hash });
      await (await startChangeSetApply(author, { changeSetId: newer.id })).run();
      expect((await getChangeSet(author, { changeSetId: newer.id })).status).toBe("finished");
    },
  );

  it(
    "only a set holding every API the older one applies replaces it; never one that blocks an API, and never a set whose apply started",
    { timeout: 120_000 },
    async () => {
      const [a, b, c] = await seededApis(sandbox, author, "supersede-cover", 3);
      const ab = await createChangeSet(author, { apiIds: [a!, b!], change: addClient(3) });
      // Part of its APIs: both wait.
      const onlyA = await createChangeSet(author, { apiIds: [a!], change: addClient(4) });
      expect((await getChangeSet(author, { changeSetId: ab.id })).status).toBe("ready");
      // A profile using a variable its instance's environment does not set blocks both APIs: such
      // a set does not speak for them.
      const unresolved = { apiId: "", profile: profiles.headerKey("${notSet}") };
      const blocked = await createProfilesChangeSet(author, {
        profiles: [a!, b!].map((apiId) => ({ ...unresolved, apiId })),
      });
      expect(blocked.items.map((item) => item.status)).toEqual(["blocked", "blocked"]);
      expect((await getChangeSet(author, { changeSetId: ab.id })).status).toBe("ready");
      expect(await supersededEvents(ab.id)).toEqual([]);

      // Every API of both: both replaced by it.
      const all = await createChangeSet(author, { apiIds: [a!, b!, c!], change: addClient(5) });
      for (const older of [ab, onlyA])
        expect(await getChangeSet(author, { changeSetId: older.id })).toMatchObject({
          status: "superseded",
          supersededBy: { id: all.id },
        });

      // Applied (started), it is history: a newer set over its APIs leaves it as it is.
      await approveChangeSet(second, { changeSetId: all.id });
      await (await startChangeSetApply(author, { changeSetId: all.id })).run();
      await createChangeSet(author, { apiIds: [a!, b!, c!], change: addClient(6) });
      expect(await getChangeSet(author, { changeSetId: all.id })).toMatchObject({
        status: "finished",
        supersededBy: null,
      });
    },
  );

  it(
    "a profiles-as-code set replaces the older set of the same source whatever APIs each holds; another source only by covering it",
    { timeout: 120_000 },
    async () => {
      const [a, b] = await seededApis(sandbox, author, "supersede-source", 2);
      const profile = (apiId: string, n: number) => ({ apiId, profile: profiles.headerKey(client(n)) });
      const source = "portcullis plan --dir profiles";
      const both = await createProfilesChangeSet(author, { profiles: [profile(a!, 7), profile(b!, 7)], source });
      expect(both.source).toBe(source);
      const elsewhere = await createProfilesChangeSet(author, {
        profiles: [profile(a!, 8)],
        source: "portcullis plan --dir other",
      });
      expect((await getChangeSet(author, { changeSetId: both.id })).status).toBe("ready");

      const again = await createProfilesChangeSet(author, { profiles: [profile(a!, 9)], source });
      expect(await getChangeSet(author, { changeSetId: both.id })).toMatchObject({
        status: "superseded",
        supersededBy: { id: again.id },
      });
      // Of another source, holding API a only (as the newer set does): the newer one covers it.
      expect(await getChangeSet(author, { changeSetId: elsewhere.id })).toMatchObject({
        status: "superseded",
        supersededBy: { id: again.id },
      });
    },
  );

  it("refuses a source with apiIds and change (it belongs to profiles as code)", async () => {
    const { createChangeSetBodySchema } = await import("./schemas");
    const parsed = createChangeSetBodySchema.safeParse({
      apiIds: ["00000000-0000-4000-8000-000000000000"],
      change: addClient(1),
      source: "x",
    });
    expect(parsed.error?.issues).toMatchObject([{ path: ["source"] }]);
  });
});
