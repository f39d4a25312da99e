import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { getAccessProfile } from "./get-access-profile";
import { listProfileVersions } from "./list-profile-versions";
import { prepareProfileVersion, saveAccessProfile, saveProfileVersions } from "./save-access-profile";
import { appErrorOf } from "../../test/support/app-error";

const db = setupTestDatabase();
const admin = contextFor("admin");

async function newApi(): Promise<string> {
  const instance = await db.current.prisma.instance.create({
    data: {
      name: `i-${Math.random()}`,
      subscriptionId: "s",
      resourceGroup: "rg",
      serviceName: `svc${Math.random()}`.replace(".", ""),
      armEndpoint: "https://arm",
    },
  });
  const api = await db.current.prisma.api.create({
    data: { instanceId: instance.id, apimName: "openai", displayName: "OpenAI", path: "openai" },
  });
  return api.id;
}

const profile = {
  backendAuth: { mode: "apiKey", namedValue: "openai-key", headerName: "api-key", delivery: "setHeader" },
  callerAuth: {
    mode: "entra",
    tenantId: "contoso.onmicrosoft.com",
    clientApplicationIds: ["11111111-2222-3333-4444-555555555555"],
  },
};

describe("access profile versions", () => {
  it("saves the first version without If-Match and returns it with defaults applied and an ETag", async () => {
    const apiId = await newApi();

    const saved = await saveAccessProfile(admin, { apiId, profile });

    expect(saved).toMatchObject({ version: 1, etag: '"v1"', createdBy: admin.actor.name });
    expect(saved.profile.callerAuth).toMatchObject({ audiences: [], requiredClaims: [] });
    expect(await getAccessProfile(contextFor("reader"), { apiId })).toEqual({ ...saved, applied: false });
  });

  it("says whether APIM has the current version: a plan of it applied, or one that found nothing to write", async () => {
    const apiId = await newApi();
    const applied = async () => (await getAccessProfile(admin, { apiId })).applied;
    const planOf = async (version: number, operations: Array<{ kind: string }>) => {
      const { id } = await db.current.prisma.accessProfileVersion.findUniqueOrThrow({
        where: { apiId_version: { apiId, version } },
      });
      const plan = { apiId, profileVersionId: id, operations, diff: {}, createdBy: "test" };
      return (await db.current.prisma.plan.create({ data: plan })).id;
    };
    const deploy = (planId: string, status: string) =>
      db.current.prisma.deployment.create({ data: { planId, apiId, status, startedBy: "test" } });

    await saveAccessProfile(admin, { apiId, profile });
    expect(await applied()).toBe(false);
    const planId = await planOf(1, [{ kind: "policy.update" }]);
    await deploy(planId, "failed");
    expect(await applied()).toBe(false);
    await deploy(planId, "succeeded");
    expect(await applied()).toBe(true);

    // A new version is not applied until its own plan is; one whose plan writes nothing is.
    await saveAccessProfile(admin, { apiId, profile: { ...profile, callerAuth: { mode: "none" } }, ifMatch: '"v1"' });
    expect(await applied()).toBe(false);
    await planOf(2, []);
    expect(await applied()).toBe(true);
  });

  it("requires the current ETag to save a new version, keeps every version, and refuses a stale one", async () => {
    const apiId = await newApi();
    await saveAccessProfile(admin, { apiId, profile });

    expect((await appErrorOf(saveAccessProfile(admin, { apiId, profile }))).code).toBe("precondition_required");
    const second = await saveAccessProfile(admin, {
      apiId,
      profile: { ...profile, callerAuth: { mode: "none" } },
      ifMatch: '"v1"',
    });
    expect(second.version).toBe(2);
    const stale = await appErrorOf(saveAccessProfile(admin, { apiId, profile, ifMatch: '"v1"' }));
    expect(stale.code).toBe("precondition_failed");
    expect(stale.message).toMatch(/version 2/);

    const versions = await listProfileVersions(contextFor("reviewer"), { apiId });
    expect(versions.items.map((v) => v.version)).toEqual([2, 1]);
  });

  it("lets only one of two concurrent saves of the same version win", async () => {
    const apiId = await newApi();
    await saveAccessProfile(admin, { apiId, profile });

    const results = await Promise.allSettled([
      saveAccessProfile(admin, { apiId, profile, ifMatch: '"v1"' }),
      saveAccessProfile(admin, { apiId, profile, ifMatch: '"v1"' }),
    ]);

    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((rejected.reason as AppError).code).toBe("precondition_failed");
    expect((await listProfileVersions(admin, { apiId })).items.map((v) => v.version)).toEqual([2, 1]);
  });

  it("stores many versions in one statement, each with its event, except one whose number another save took", async () => {
    const [raced, other] = [await newApi(), await newApi()];
    const held = async (apiId: string) => {
      const { profileVersions, ...api } = await db.current.prisma.api.findUniqueOrThrow({
        where: { id: apiId },
        include: { instance: true, profileVersions: { orderBy: { version: "desc" }, take: 1 } },
      });
      return { api, current: profileVersions[0] ?? null };
    };
    const prepared = [
      await prepareProfileVersion(admin, { apiId: raced, profile }, await held(raced)),
      await prepareProfileVersion(admin, { apiId: other, profile }, await held(other)),
    ];
    // Saved after the versions were prepared: version 1 of `raced` is taken.
    await saveAccessProfile(admin, { apiId: raced, profile: { ...profile, callerAuth: { mode: "none" } } });

    const stored = await saveProfileVersions(prepared);

    expect(stored).toEqual(new Set([prepared[1]!.version.id]));
    expect((await getAccessProfile(admin, { apiId: raced })).profile.callerAuth).toEqual({ mode: "none" });
    expect((await getAccessProfile(admin, { apiId: other })).version).toBe(1);
    const events = await db.current.prisma.auditEvent.findMany({
      where: { action: "profile.save", targetId: { in: [raced, other] } },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => event.targetId)).toEqual([raced, other]);
    expect(events[0]!.after).toMatchObject({ profile: { callerAuth: { mode: "none" } } });
  });

  it("names the bad fields of an invalid profile and saves nothing", async () => {
    const apiId = await newApi();
    const bad = { ...profile, callerAuth: { ...profile.callerAuth, clientApplicationIds: ["not-a-guid"] } };

    const error = await appErrorOf(saveAccessProfile(admin, { apiId, profile: bad }));

    expect(error.code).toBe("bad_request");
    expect(error.fields).toEqual([expect.objectContaining({ path: "callerAuth.clientApplicationIds[0]" })]);
    expect((await listProfileVersions(admin, { apiId })).items).toEqual([]);
  });

  it("refuses readers and reviewers and records the denial", async () => {
    const apiId = await newApi();
    for (const role of ["reader", "reviewer"] as const) {
      const ctx = contextFor(role);
      expect((await appErrorOf(saveAccessProfile(ctx, { apiId, profile }))).code).toBe("forbidden");
      const denial = await db.current.prisma.auditEvent.findFirst({
        where: { actorOid: ctx.actor.oid, action: "auth.denied" },
      });
      expect(denial).toMatchObject({ outcome: "denied", targetId: "config.write" });
    }
    expect((await listProfileVersions(admin, { apiId })).items).toEqual([]);
  });

  it("writes one audit event per save with the before and after profiles", async () => {
    const apiId = await newApi();
    await saveAccessProfile(admin, { apiId, profile });
    await saveAccessProfile(admin, { apiId, profile: { ...profile, callerAuth: { mode: "none" } }, ifMatch: '"v1"' });

    const events = await db.current.prisma.auditEvent.findMany({
      where: { action: "profile.save", targetId: apiId },
      orderBy: { seq: "asc" },
    });

    expect(events).toHaveLength(2);
    expect(events[1]!.before).toMatchObject({ version: 1 });
    expect(events[1]!.after).toMatchObject({ version: 2, profile: { callerAuth: { mode: "none" } } });
  });

  it("records taking over the hand-written policy only when asked, per version, and says so in the audit event", async () => {
    const apiId = await newApi();
    const first = await saveAccessProfile(admin, { apiId, profile, adopt: true });
    const second = await saveAccessProfile(admin, { apiId, profile, ifMatch: first.etag });

    expect([first.adoptsHandWritten, second.adoptsHandWritten]).toEqual([true, false]);
    expect((await listProfileVersions(admin, { apiId })).items.map((version) => version.adoptsHandWritten)).toEqual([
      false,
      true,
    ]);
    const events = await db.current.prisma.auditEvent.findMany({
      where: { action: "profile.save", targetId: apiId },
      orderBy: { seq: "asc" },
    });
    expect(events.map((event) => event.after)).toMatchObject([
      { version: 1, adoptsHandWritten: true },
      { version: 2, adoptsHandWritten: false },
    ]);
    expect(events[1]!.before).toMatchObject({ version: 1, adoptsHandWritten: true });
  });
});
