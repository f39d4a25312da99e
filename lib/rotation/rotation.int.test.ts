import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as rotations from "../../app/api/v1/secrets/[id]/rotations/route";
import * as rotationRoute from "../../app/api/v1/secrets/[id]/rotations/[rid]/route";
import * as apply from "../../app/api/v1/secrets/[id]/rotations/[rid]/apply/route";
import * as rollback from "../../app/api/v1/secrets/[id]/rotations/[rid]/rollback/route";
import * as policy from "../../app/api/v1/secrets/[id]/rotation-policy/route";
import * as secretRoute from "../../app/api/v1/secrets/[id]/route";
import { SEEDED_AOAI_KEY } from "../../sandbox/apim/seed/initial-seed";
import { callRoute } from "../../test/support/call-route";
import { apiIdOf, applyPlan, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { createChatApi, provableKeyProfile, sandboxArm } from "../../test/support/sandbox-arm";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { systemContext } from "../auth/system-context";
import { approvePlan } from "../deployments/approve-plan";
import { createPlan } from "../deployments/create-plan";
import { getPlan } from "../deployments/get-plan";
import { getInstance } from "../instances/get-instance";
import { updateInstanceSettings } from "../instances/update-instance-settings";
import { createSecret } from "../secrets/create-secret";
import type { SecretView } from "../secrets/schemas";
import { verifyApiAccess } from "../verification/verify-api-access";
import { announceDueRotations } from "./announce-due-rotations";
import { deleteRetiredNamedValues } from "./delete-retired-named-values";
import type { RotationView } from "./schemas";

/**
 * Key rotation end to end in the sandbox, over REST: the sandbox model accepts only its current
 * key, and the gateway sends the key of the named value the profile references, so a proven
 * verification is the new key in effect. The old named value is deleted by the clean-up job
 * once the (shortened) grace period is over; inside it, roll back moves the references back.
 */
// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const arm = sandboxArm(() => sandbox.coordinates);
const NEW_KEY = "rotated-aoai-key-6b1f0e2a-do-not-leak";
const WRONG_KEY = "mistyped-aoai-key-93c4d7e1-do-not-leak";
const LATER_KEY = "later-aoai-key-5d2c8a71-do-not-leak";
let [automation, reader] = ["", ""];
let secretId = "";
let apiId = "";

beforeAll(async () => {
  [automation, reader] = await Promise.all([sandbox.tokens.automation(), sandbox.tokens.user("reader")]);
  await createChatApi(arm, "rotate-key");
  apiId = await apiIdOf(admin, sandbox.instance.id, "rotate-key");
  const secret = await createSecret(admin, {
    instanceId: sandbox.instance.id,
    name: "rotation-key",
    value: SEEDED_AOAI_KEY,
  });
  secretId = secret.id!;
  const c = sandbox.coordinates;
  await saveProfile(admin, apiId, provableKeyProfile(c, "rotation-key"));
  expect((await applyPlan(admin, (await createPlan(admin, { apiId })).id)).status).toBe("succeeded");
});

const call = (path = "", params: Record<string, string> = {}) => ({
  path: `/secrets/${secretId}/rotations${path}`,
  params: { id: secretId, ...params },
});
const start = (body: unknown, token = automation) => callRoute(rotations.POST, { ...call(), token, body });
/** A rotation that must start: the refusal's body is the failure message when it does not. */
async function started(body: unknown): Promise<RotationView> {
  const response = await start(body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as RotationView;
}
const read = async (rid: string) =>
  (await callRoute(rotationRoute.GET, { ...call(`/${rid}`, { rid }), token: reader })).body as RotationView;

/** Applies and follows the rotation until its apply (deployments, then verifications) has ended. */
async function applyAndWait(rid: string): Promise<RotationView> {
  const started = await callRoute(apply.POST, { ...call(`/${rid}/apply`, { rid }), token: automation, method: "POST" });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body).toMatchObject({ status: "applying" });
  let rotation = await read(rid);
  while (rotation.status === "applying" || (rotation.status !== "failed" && rotation.verifications.length === 0)) {
    await sleep(50);
    rotation = await read(rid);
  }
  return rotation;
}

async function namedValueExists(name: string): Promise<boolean> {
  const instance = await getInstance(admin, { instanceId: sandbox.instance.id });
  const client = apimClientForInstance({ ...instance, id: instance.id });
  return (await client.getNamedValueEtag(name)).value !== null;
}

const secretNow = async () =>
  (await callRoute(secretRoute.GET, { path: `/secrets/${secretId}`, params: { id: secretId }, token: reader }))
    .body as SecretView;

/** The sandbox model's account regenerates its key (the provider's side of a rotation). */
async function regenerateModelKey(key: string): Promise<void> {
  const response = await fetch(`${sandbox.coordinates.modelEndpoint}/_sandbox/model/keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ account: "portcullis-sandbox-aoai", key }),
  });
  expect(response.status).toBe(204);
}

describe("key rotation", () => {
  let firstRotation = "";

  it("puts a new key in effect through a new named value, then deletes the old one after the grace period", async () => {
    expect((await verifyApiAccess(admin, { apiId })).status).toBe("proven");
    await regenerateModelKey(NEW_KEY);
    // The provider no longer takes the key APIM sends: the gateway proves it.
    expect((await verifyApiAccess(admin, { apiId })).status).toBe("failed");

    // The key in effect again is refused (a planned rotation can only be left by applying it), naming the field only.
    const same = await start({ value: SEEDED_AOAI_KEY, graceMinutes: 5 });
    expect(same).toMatchObject({ status: 400, body: { errors: [{ path: "value" }] } });
    expect(JSON.stringify(same.body)).not.toContain(SEEDED_AOAI_KEY);

    const started = await start({ value: NEW_KEY, graceMinutes: 5 });
    expect(started.status).toBe(201);
    const planned = started.body as RotationView;
    firstRotation = planned.id;
    expect(started.headers.get("location")).toBe(`/api/v1/secrets/${secretId}/rotations/${planned.id}`);
    expect(planned).toMatchObject({
      status: "planned",
      oldNamedValue: { name: "rotation-key" },
      newNamedValue: { name: expect.stringMatching(/^rotation-key-r\d{17}$/), fingerprint: expect.any(String) },
      plans: [{ apiId, apimName: "rotate-key", empty: false, blocked: false }],
      canApply: true,
      canRollBack: false,
    });
    const newName = planned.newNamedValue.name;
    // The plan is an ordinary plan: the policy diff switches {{rotation-key}} to the new named value.
    expect(planned.plans[0]!.summary).toMatch(/polic/i);
    expect(await namedValueExists(newName)).toBe(true);

    const applied = await applyAndWait(planned.id);
    expect(applied).toMatchObject({
      status: "applied",
      deployments: [{ apiId, status: "succeeded" }],
      verifications: [{ apiId, status: "proven" }],
      retiredNamedValue: "rotation-key",
      canRollBack: true,
    });
    expect(Date.parse(applied.deleteAfter!) - Date.parse(applied.appliedAt!)).toBe(5 * 60_000);
    expect(await secretNow()).toMatchObject({ name: newName, fingerprint: planned.newNamedValue.fingerprint });

    // Inside the grace period the old named value stays.
    const ctx = systemContext();
    expect(await deleteRetiredNamedValues(ctx, { now: new Date(Date.parse(applied.deleteAfter!) - 1000) })).toEqual({
      deleted: 0,
      failed: 0,
    });
    expect(await namedValueExists("rotation-key")).toBe(true);
    // After it, the clean-up deletes it, once.
    const after = new Date(Date.parse(applied.deleteAfter!) + 1000);
    expect(await deleteRetiredNamedValues(ctx, { now: after })).toEqual({ deleted: 1, failed: 0 });
    expect(await deleteRetiredNamedValues(ctx, { now: after })).toEqual({ deleted: 0, failed: 0 });
    expect(await namedValueExists("rotation-key")).toBe(false);
    expect(await read(planned.id)).toMatchObject({
      status: "completed",
      canRollBack: false,
      deletedAt: expect.any(String),
    });
    // The new key still works without the old named value.
    expect((await verifyApiAccess(admin, { apiId })).status).toBe("proven");

    const late = await callRoute(rollback.POST, {
      ...call(`/${planned.id}/rollback`, { rid: planned.id }),
      token: automation,
      method: "POST",
    });
    expect(late.status).toBe(409);
  });

  it("rolls a wrong key back inside the grace period: the references switch back and the old named value stays", async () => {
    const inUse = (await secretNow()).name;
    const planned = await started({ value: WRONG_KEY });
    const applied = await applyAndWait(planned.id);
    // The model refuses the mistyped key: verification reports it, nothing is undone on its own.
    expect(applied).toMatchObject({ status: "applied", verifications: [{ status: "failed" }], canRollBack: true });
    expect(Date.parse(applied.deleteAfter!) - Date.parse(applied.appliedAt!)).toBe(24 * 60 * 60_000);

    const back = await callRoute(rollback.POST, {
      ...call(`/${planned.id}/rollback`, { rid: planned.id }),
      token: automation,
      method: "POST",
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({
      status: "rollback_planned",
      rollbackPlans: [{ apiId, empty: false }],
      canApply: true,
    });
    // Planning a roll back changes nothing in APIM: the old named value is still there.
    expect(await namedValueExists(inUse)).toBe(true);

    const rolledBack = await applyAndWait(planned.id);
    expect(rolledBack).toMatchObject({
      status: "rolled_back",
      verifications: [{ apiId, status: "proven" }],
      retiredNamedValue: planned.newNamedValue.name,
    });
    expect(await secretNow()).toMatchObject({ name: inUse, fingerprint: planned.oldNamedValue.fingerprint });
    // The unused new named value goes at the next clean-up; the old one stays.
    expect(await deleteRetiredNamedValues(systemContext(), { now: new Date() })).toEqual({ deleted: 1, failed: 0 });
    expect(await namedValueExists(planned.newNamedValue.name)).toBe(false);
    expect(await namedValueExists(inUse)).toBe(true);
  });

  it("audits every step and never stores, audits or answers a key", async () => {
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: secretId, action: { startsWith: "secret.rotation." } },
      orderBy: { seq: "asc" },
    });
    const actions = events.map((event: { action: string }) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "secret.rotation.start",
        "secret.rotation.plan",
        "secret.rotation.apply_start",
        "secret.rotation.apply",
        "secret.rotation.verify",
        "secret.rotation.delete_retired",
        "secret.rotation.rollback",
        "secret.rotation.rollback_apply_start",
        "secret.rotation.rollback_apply",
      ]),
    );
    const everything = JSON.stringify([
      events.map(({ before, after }: { before: unknown; after: unknown }) => [before, after]),
      await sandbox.db.prisma.secretRotation.findMany(),
      await sandbox.db.prisma.secret.findMany(),
      (await callRoute(rotations.GET, { ...call(), token: reader })).body,
    ]);
    for (const key of [NEW_KEY, WRONG_KEY, SEEDED_AOAI_KEY]) expect(everything).not.toContain(key);
  });

  it("lists rotations newest first, lets readers read but not rotate, and names the field it refuses", async () => {
    const listed = (await callRoute(rotations.GET, { ...call(), token: reader })).body as { items: RotationView[] };
    expect(listed.items.map((item) => item.id).at(-1)).toBe(firstRotation);
    expect((await start({ value: NEW_KEY }, reader)).status).toBe(403);
    const bad = await start({ value: NEW_KEY, graceMinutes: -1 });
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((error) => error.path)).toEqual([
      "graceMinutes",
    ]);
    expect(JSON.stringify(bad.body)).not.toContain(NEW_KEY);
  });

  it("keeps a rotation policy per secret, shows the key's age and due state, and announces it once", async () => {
    const set = await callRoute(policy.PUT, {
      path: `/secrets/${secretId}/rotation-policy`,
      params: { id: secretId },
      token: automation,
      method: "PUT",
      body: { intervalDays: 30 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ rotation: { intervalDays: 30, ageDays: 0, due: false } });

    // The key was last set 40 days ago.
    await sandbox.db.prisma.secret.update({
      where: { id: secretId },
      data: { rotatedAt: new Date(Date.now() - 40 * 86_400_000) },
    });
    const due = await secretNow();
    expect(due.rotation).toMatchObject({ ageDays: 40, intervalDays: 30, due: true });
    expect(due.warnings.join(" ")).toContain("rotate it");

    // An admin subscribed a webhook of this instance to the notification.
    const webhook = await sandbox.db.prisma.webhook.create({
      data: {
        instanceId: sandbox.instance.id,
        url: "https://hooks.example.com/rotation",
        events: ["secret.rotation_due"],
        format: "cloudevents",
        secretSalt: "salt",
        createdBy: "test",
      },
    });
    expect(await announceDueRotations(systemContext(), { now: new Date() })).toBe(1);
    expect(await announceDueRotations(systemContext(), { now: new Date() })).toBe(0);
    const deliveries = await sandbox.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      eventType: "secret.rotation_due",
      payload: {
        type: "com.portcullis.secret.rotation_due",
        data: { secretId, name: due.name, ageDays: 40, intervalDays: 30 },
      },
    });
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetId: secretId, action: "secret.rotation_due" },
    });
    expect(events).toHaveLength(1);
  });

  it("applies nothing until every plan has the approvals its instance requires", async () => {
    await updateInstanceSettings(admin, { instanceId: sandbox.instance.id, settings: { approvalsRequired: 1 } });
    await regenerateModelKey(LATER_KEY);
    const planned = await started({ value: LATER_KEY });
    const planId = planned.plans[0]!.planId;
    const refused = await callRoute(apply.POST, {
      ...call(`/${planned.id}/apply`, { rid: planned.id }),
      token: automation,
      method: "POST",
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ detail: expect.stringContaining(`rotate-key (plan ${planId}, waiting)`) });
    expect(await read(planned.id)).toMatchObject({ status: "planned", deployments: [] });

    const reviewer = contextFor("admin", { name: "Second Admin" });
    await approvePlan(reviewer, { planId, planHash: (await getPlan(admin, { planId })).hash });
    expect(await applyAndWait(planned.id)).toMatchObject({
      status: "applied",
      deployments: [{ status: "succeeded" }],
      verifications: [{ status: "proven" }],
    });
  });
});
