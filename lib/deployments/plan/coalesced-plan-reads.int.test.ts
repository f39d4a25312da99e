import { afterEach, describe, expect, it } from "vitest";
import { apimClientForInstance } from "../../apim/client-for-instance";
import { contextFor } from "../../../test/support/request-context";
import { instanceWideReadOf } from "../../../test/support/apim/instance-wide-reads";
import { setupSandboxHarness } from "../../../test/support/sandbox-harness";
import { apiIdOf, dropBackendSelection, profiles, saveProfile } from "../../../test/support/deployment-fixtures";
import { createPlan } from "../create-plan";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const PLANS = 8;

async function instanceWideReadsSince(since: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const entry of await sandbox.controls.requests(since)) {
    const kind = instanceWideReadOf(entry);
    if (kind !== null) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** `value` without the instants its parts were read at (`readAt`, `readFrom`, `readTo`). */
function withoutReadTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutReadTimes);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !["readAt", "readFrom", "readTo"].includes(key))
      .map(([key, item]) => [key, withoutReadTimes(item)]),
  );
}

const lastSeq = async () => (await sandbox.controls.requests()).at(-1)?.seq ?? 0;

describe("plans made at once on one instance", () => {
  afterEach(() => sandbox.controls.clearFaults());

  it("send the instance-wide reads fewer times than there are plans, and plan what plans made one at a time plan", async () => {
    const names = await sandbox.controls.seedApis(PLANS, { prefix: "coalesce" });
    await dropBackendSelection(apimClientForInstance(sandbox.instance), names);
    const ids: string[] = [];
    for (const name of names) {
      const id = await apiIdOf(admin, sandbox.instance.id, name);
      // A named value in the profile: the plan's diff lists the named values too.
      await saveProfile(admin, id, profiles.headerKey());
      ids.push(id);
    }
    // Every read answers after 300 ms: the plans' reads overlap whatever this machine's speed.
    await sandbox.controls.setFaults({ rules: [{ kind: "latency", ms: 300, jitterMs: 0, rate: 1 }] });

    let since = await lastSeq();
    const oneAtATime = [];
    for (const apiId of ids) oneAtATime.push(await createPlan(admin, { apiId }));
    // Nothing is kept once an answer has arrived: every plan made alone reads each of them itself.
    expect(await instanceWideReadsSince(since)).toEqual({
      service: PLANS,
      "global policy": PLANS,
      "named values": PLANS,
      backends: PLANS,
    });

    since = await lastSeq();
    const atOnce = await Promise.all(ids.map((apiId) => createPlan(admin, { apiId })));
    const counts = await instanceWideReadsSince(since);
    for (const kind of ["service", "global policy", "named values", "backends"]) {
      expect(counts[kind], kind).toBeGreaterThanOrEqual(1);
      expect(counts[kind], kind).toBeLessThan(PLANS);
    }
    // The same plans: what they write (with the ETags read) and show (policy, named values, effective
    // access's findings); only when each scope was read differs.
    const content = (plan: (typeof atOnce)[number]) =>
      withoutReadTimes({ operations: plan.operations, diff: plan.diff });
    expect(atOnce.map(content)).toEqual(oneAtATime.map(content));
    expect(atOnce.every((plan) => plan.operations.length === 1 && !plan.blocked)).toBe(true);
  });

  it("read the named values again after Portcullis's own write of one, even while a read sent before it is in flight", async () => {
    const apim = apimClientForInstance(sandbox.instance);
    await sandbox.controls.setFaults({
      rules: [{ kind: "latency", ms: 500, jitterMs: 0, rate: 1, match: { methods: ["GET"], path: "/namedValues$" } }],
    });
    const before = apim.listNamedValues();
    const created = await apim.putNamedValue(
      "coalesce-written",
      { displayName: "coalesce-written", value: "v", secret: false },
      "absent",
    );
    const after = await apim.listNamedValues();
    expect((await before).value.some((value) => value.name === "coalesce-written")).toBe(false);
    expect(after.trace.joined).toBeUndefined();
    expect(after.value.map((value) => value.name)).toContain(created.value.name);
  });
});
