import { beforeAll, describe, expect, it } from "vitest";
import { SEEDED_AOAI_KEY } from "../../sandbox/apim/seed/initial-seed";
import { apiIdOf, applyPlan, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { createChatApi, provableKeyProfile, sandboxArm } from "../../test/support/sandbox-arm";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { systemContext } from "../auth/system-context";
import { createPlan } from "../deployments/create-plan";
import { isAppError } from "../errors";
import { createSecret } from "../secrets/create-secret";
import { applyRotation } from "./apply-rotation";
import { deleteRetiredNamedValues } from "./delete-retired-named-values";
import { startRotation } from "./start-rotation";

/**
 * A key used by hand-written policies or backends, which no rotation plan switches: the rotation
 * is refused naming each place (global, product, operation policy, backend, plain named value),
 * nothing is created; the API's own managed block does not count (its plan switches it); and
 * the clean-up never deletes an old named value that someone used by hand during the grace period.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const arm = sandboxArm(() => sandbox.coordinates);
const KEY = "hand-written-rotation-key-4f2a-do-not-leak";
let secretId = "";

const keyHeader = (name: string) =>
  `<set-header name="x-extra-key" exists-action="override"><value>{{${name}}}</value></set-header>`;
const policyWith = (inbound: string) =>
  `<policies><inbound><base />${inbound}</inbound><backend><base /></backend><outbound><base /></outbound><on-error><base /></on-error></policies>`;
const putPolicy = (path: string, inbound: string) =>
  arm("PUT", `${path}/policies/policy`, { properties: { format: "rawxml", value: policyWith(inbound) } });

async function refusal(): Promise<string[]> {
  const error = await startRotation(admin, { secretId, value: KEY }).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isAppError(error)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.code).toBe("conflict");
  expect(error.message).not.toContain(KEY);
  return (error.details as { handWrittenReferences: string[] }).handWrittenReferences;
}

async function namedValueNames(): Promise<string[]> {
  const client = apimClientForInstance(sandbox.instance);
  return (await client.listNamedValues()).value.map((value) => value.displayName);
}

beforeAll(async () => {
  await createChatApi(arm, "hand-key");
  const apiId = await apiIdOf(admin, sandbox.instance.id, "hand-key");
  secretId = (await createSecret(admin, { instanceId: sandbox.instance.id, name: "hand-key", value: SEEDED_AOAI_KEY }))
    .id!;
  await saveProfile(admin, apiId, provableKeyProfile(sandbox.coordinates, "hand-key"));
  expect((await applyPlan(admin, (await createPlan(admin, { apiId })).id)).status).toBe("succeeded");
});

describe("rotation and hand-written references", () => {
  it("refuses a rotation naming every place its plans cannot switch, and creates nothing", async () => {
    await arm("PUT", "/products/hand-product", {
      properties: { displayName: "Hand product", subscriptionRequired: false, state: "published" },
    });
    await putPolicy("/products/hand-product", keyHeader("hand-key"));
    await putPolicy("/apis/hand-key/operations/chat", keyHeader("HAND-KEY"));
    await arm("PUT", "/backends/hand-backend", {
      properties: {
        url: "https://hand.example.com",
        protocol: "http",
        credentials: { header: { "api-key": ["{{hand-key}}"] } },
      },
    });
    await arm("PUT", "/namedValues/hand-composite", {
      properties: { displayName: "hand-composite", value: "Bearer {{hand-key}}", secret: false },
    });
    const global = await arm("GET", "/policies/policy?format=rawxml");
    const globalXml = ((await global.json()) as { properties: { value: string } }).properties.value;
    await putPolicy("", keyHeader("hand-key"));

    const before = await namedValueNames();
    expect(await refusal()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^global \(service\) policy, line \d+ \(<value>\)$/),
        expect.stringMatching(/^policy of product 'hand-product', line \d+/),
        expect.stringMatching(/^policy of operation 'chat' of API 'hand-key', line \d+/),
        "backend 'hand-backend'",
        "named value 'hand-composite'",
      ]),
    );
    // The API's own policy sends {{hand-key}} from the managed block: its plan would switch it.
    expect((await refusal()).filter((place) => place.startsWith("policy of API"))).toEqual([]);
    expect(await namedValueNames()).toEqual(before);
    expect(await sandbox.db.prisma.secretRotation.count({ where: { secretId } })).toBe(0);

    await arm("PUT", "/policies/policy", { properties: { format: "rawxml", value: globalXml } });
    // The admin moves the others off the key (ARM deletes need an If-Match; a PUT does not).
    await putPolicy("/products/hand-product", "");
    await putPolicy("/apis/hand-key/operations/chat", "");
    await arm("PUT", "/backends/hand-backend", { properties: { url: "https://hand.example.com", protocol: "http" } });
    await arm("PUT", "/namedValues/hand-composite", {
      properties: { displayName: "hand-composite", value: "Bearer none", secret: false },
    });
  });

  it("rotates once nothing hand-written uses the key, and the clean-up keeps an old key someone used by hand since", async () => {
    const planned = await startRotation(admin, { secretId, value: KEY, graceMinutes: 5 });
    expect(planned).toMatchObject({ status: "planned", plans: [{ apimName: "hand-key", blocked: false }] });
    const applied = await (await applyRotation(admin, { secretId, rotationId: planned.id })).run();
    expect(applied).toMatchObject({ status: "applied", retiredNamedValue: "hand-key" });

    await putPolicy("/apis/hand-key/operations/chat", keyHeader("hand-key"));
    const after = new Date(Date.parse(applied.deleteAfter!) + 1000);
    expect(await deleteRetiredNamedValues(systemContext(), { now: after })).toEqual({ deleted: 0, failed: 1 });
    expect(await namedValueNames()).toContain("hand-key");
    const waiting = await sandbox.db.prisma.secretRotation.findUniqueOrThrow({ where: { id: planned.id } });
    expect(waiting).toMatchObject({ status: "applied", deletedAt: null });
    expect(waiting.error).toContain("policy of operation 'chat' of API 'hand-key'");

    await putPolicy("/apis/hand-key/operations/chat", "");
    expect(await deleteRetiredNamedValues(systemContext(), { now: after })).toEqual({ deleted: 1, failed: 0 });
    expect(await namedValueNames()).not.toContain("hand-key");
  });
});
