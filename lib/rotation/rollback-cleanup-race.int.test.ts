import { beforeAll, describe, expect, it, vi } from "vitest";
import { SEEDED_AOAI_KEY } from "../../sandbox/apim/seed/initial-seed";
import { apiIdOf, applyPlan, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { createChatApi, provableKeyProfile, sandboxArm } from "../../test/support/sandbox-arm";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { systemContext } from "../auth/system-context";
import { createPlan } from "../deployments/create-plan";
import { createSecret } from "../secrets/create-secret";
import { applyRotation } from "./apply-rotation";
import { deleteRetiredNamedValues } from "./delete-retired-named-values";
import { rollBackRotation } from "./roll-back-rotation";
import { startRotation } from "./start-rotation";

/**
 * Roll back against the clean-up: a roll back planned in the last instant of the grace period
 * needs the old named value, and the clean-up must not delete it while the roll back plans.
 * The clean-up is run at the worst moment — while the roll back is creating its plan — with a
 * clock past the grace period. Without the roll back's claim it deletes the old named value there.
 */
const hooks = vi.hoisted(() => ({ beforePlan: null as null | (() => Promise<void>) }));
vi.mock("../deployments/create-plan", async (importOriginal) => {
  const original = await importOriginal<typeof import("../deployments/create-plan")>();
  return {
    ...original,
    createPlan: async (...args: Parameters<typeof original.createPlan>) => {
      const hook = hooks.beforePlan;
      hooks.beforePlan = null;
      await hook?.();
      return original.createPlan(...args);
    },
  };
});

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const arm = sandboxArm(() => sandbox.coordinates);
let secretId = "";

const namedValueExists = async (name: string) =>
  (await apimClientForInstance(sandbox.instance).getNamedValueEtag(name)).value !== null;

beforeAll(async () => {
  await createChatApi(arm, "race-key");
  const apiId = await apiIdOf(admin, sandbox.instance.id, "race-key");
  secretId = (await createSecret(admin, { instanceId: sandbox.instance.id, name: "race-key", value: SEEDED_AOAI_KEY }))
    .id!;
  await saveProfile(admin, apiId, provableKeyProfile(sandbox.coordinates, "race-key"));
  expect((await applyPlan(admin, (await createPlan(admin, { apiId })).id)).status).toBe("succeeded");
});

describe("roll back and the rotation clean-up", () => {
  it("never deletes the old named value while a roll back is being planned, and the roll back then applies", async () => {
    const planned = await startRotation(admin, { secretId, value: "race-new-key-0d1e", graceMinutes: 5 });
    const applied = await (await applyRotation(admin, { secretId, rotationId: planned.id })).run();
    expect(applied).toMatchObject({ status: "applied", retiredNamedValue: "race-key" });
    const pastGrace = new Date(Date.parse(applied.deleteAfter!) + 1000);

    let cleanup: unknown;
    hooks.beforePlan = async () => {
      cleanup = await deleteRetiredNamedValues(systemContext(), { now: pastGrace });
    };
    const rolledBack = await rollBackRotation(admin, { secretId, rotationId: planned.id });
    expect(hooks.beforePlan).toBeNull();
    expect(cleanup).toEqual({ deleted: 0, failed: 0 });
    expect(rolledBack).toMatchObject({ status: "rollback_planned", rollbackPlans: [{ apimName: "race-key" }] });
    expect(await namedValueExists("race-key")).toBe(true);

    // The clean-up, past the grace period, leaves a rotation being rolled back alone.
    expect(await deleteRetiredNamedValues(systemContext(), { now: pastGrace })).toEqual({ deleted: 0, failed: 0 });
    const back = await (await applyRotation(admin, { secretId, rotationId: planned.id })).run();
    expect(back).toMatchObject({ status: "rolled_back", retiredNamedValue: planned.newNamedValue.name });
    expect(await namedValueExists("race-key")).toBe(true);
  });

  it("refuses a roll back once the clean-up has claimed the old named value", async () => {
    const planned = await startRotation(admin, { secretId, value: "race-new-key-7a2b", graceMinutes: 0 });
    expect(planned.status).toBe("planned");
    await (await applyRotation(admin, { secretId, rotationId: planned.id })).run();
    expect(await deleteRetiredNamedValues(systemContext(), { now: new Date(Date.now() + 1000) })).toMatchObject({
      deleted: expect.any(Number),
    });
    await expect(rollBackRotation(admin, { secretId, rotationId: planned.id })).rejects.toMatchObject({
      code: "conflict",
    });
  });
});
