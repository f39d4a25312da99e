/**
 * Adopting the seeded hand-written API `chat-token-limited` (a rawxml policy with its own
 * validate-azure-ad-token and set-backend-service next to a token budget, metrics and an outbound
 * header): without the opt-in the block only joins the hand-written statements; with it the plan
 * removes the statements the profile was read from, the apply succeeds, and the next plan is empty.
 */
import { describe, expect, it } from "vitest";
import type { AccessProfileInput } from "../policy";
import { readLiveProfile } from "../profiles/read-live-profile";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { createPlan } from "./create-plan";
import { detectDrift } from "./detect-drift";
import type { PlanView } from "./schemas";
import { apiIdOf, applyPlan, saveProfile } from "../../test/support/deployment-fixtures";
import { chainWaitingEvents } from "../audit/chain-sequencer";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");

const HAND_WRITTEN_VALIDATION = '<validate-azure-ad-token tenant-id="{{entra-tenant-id}}">';
const HAND_WRITTEN_CLIENT = "<application-id>11111111-1111-1111-1111-111111111111</application-id>";
const BACKEND_SELECTION = '<set-backend-service backend-id="foundry-backend-key" />';
const KEPT = [
  "<!-- Hand-written: token budget per caller and usage metrics. -->",
  '<set-variable name="caller" value="@(context.Request.Headers.GetValueOrDefault(&quot;x-client-id&quot;, &quot;anonymous&quot;))" />',
  "<llm-token-limit ",
  '<llm-emit-token-metric namespace="portcullis-sandbox">',
  '<set-header name="x-remaining-tokens" exists-action="override">',
];

/** What the console's "Start from the live policy" reads, with the tenant a profile cannot take from a named value filled in. */
async function profileFromLivePolicy(apiId: string, clientIds: string[]): Promise<AccessProfileInput> {
  const live = await readLiveProfile(admin, { apiId });
  if (!live.ok || live.reading.backendAuth === null) throw new Error("the live policy should read");
  return {
    backendAuth: live.reading.backendAuth,
    callerAuth: { mode: "entra", tenantId: "00000000-0000-0000-0000-0000000000aa", clientApplicationIds: clientIds },
  };
}

function policyXml(plan: PlanView): string {
  const operation = plan.operations.find((candidate) => candidate.kind === "policy.update");
  return operation?.kind === "policy.update" ? operation.xml : "";
}

function linesOf(plan: PlanView, op: "removed" | "added"): string[] {
  return plan.diff.policy.hunks.flatMap((hunk) =>
    hunk.lines.filter((line) => line.op === op).map((line) => line.text.trim()),
  );
}

describe("adopting a hand-written policy", () => {
  it("adds the block next to the hand-written statements without the opt-in, and takes them over with it", async () => {
    const apiId = await apiIdOf(admin, sandbox.instance.id, "chat-token-limited");
    const profile = await profileFromLivePolicy(apiId, ["11111111-2222-3333-4444-555555555555"]);

    await saveProfile(admin, apiId, profile);
    const plain = await createPlan(admin, { apiId });
    expect(linesOf(plain, "removed")).toEqual([]);
    expect(policyXml(plain)).toContain(HAND_WRITTEN_VALIDATION);
    expect(policyXml(plain).match(/<set-backend-service /g)).toHaveLength(2);
    // Two validations, the hand-written one after the block's backend selection: lint blocks the apply.
    expect(plain.diff.lint.findings.map((finding) => finding.code)).toEqual(["caller-validation-late"]);

    await saveProfile(admin, apiId, profile, { adopt: true });
    const adopting = await createPlan(admin, { apiId });
    expect(adopting.operations.map((operation) => operation.kind)).toEqual(["policy.update"]);
    const xml = policyXml(adopting);
    expect(xml).not.toContain(HAND_WRITTEN_VALIDATION);
    expect(xml.match(/<validate-azure-ad-token /g)).toHaveLength(1);
    expect(xml.match(/<set-backend-service /g)).toHaveLength(1);
    for (const kept of KEPT) expect(xml).toContain(kept);
    expect(linesOf(adopting, "removed")).toEqual(
      expect.arrayContaining([HAND_WRITTEN_VALIDATION, HAND_WRITTEN_CLIENT, BACKEND_SELECTION]),
    );
    expect(adopting.diff.lint.findings).toEqual([]);
    // Read as stored: the plan's event joins the chain while createPlan returns; readers chain first.
    await chainWaitingEvents(sandbox.db.prisma);
    const event = await sandbox.db.prisma.auditEvent.findFirst({
      where: { action: "plan.create", targetId: adopting.id },
    });
    expect(event?.after).toMatchObject({ profileVersion: 2, adoptsHandWritten: true });

    const deployment = await applyPlan(admin, adopting.id);
    expect(deployment.status).toBe("succeeded");
    expect((await createPlan(admin, { apiId })).operations).toEqual([]);
    expect(await detectDrift(admin, { apiId })).toMatchObject({ status: "in_sync", significant: [], harmless: [] });
    const live = await readLiveProfile(admin, { apiId });
    expect(live).toMatchObject({ ok: true, reading: { source: "managed-block", unmanaged: [] } });
  });

  it("changes only the block afterwards, although the version still takes over: a new client id takes effect", async () => {
    const apiId = await apiIdOf(admin, sandbox.instance.id, "chat-token-limited");
    const added = "22222222-3333-4444-5555-666666666666";
    await saveProfile(
      admin,
      apiId,
      await profileFromLivePolicy(apiId, ["11111111-2222-3333-4444-555555555555", added]),
      { adopt: true },
    );

    const plan = await createPlan(admin, { apiId });

    expect(linesOf(plan, "added")).toEqual([`<application-id>${added}</application-id>`]);
    expect(linesOf(plan, "removed")).toEqual([]);
    expect((await applyPlan(admin, plan.id)).status).toBe("succeeded");
    expect((await createPlan(admin, { apiId })).operations).toEqual([]);
  });
});
