import { describe, expect, it } from "vitest";
import { apiIdOf, planAndApply, profiles, saveProfile } from "../../test/support/deployment-fixtures";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { apimClientForInstance } from "../apim/client-for-instance";
import { announceDrift } from "../notifications/announce-drift";
import { cloudEventSchema } from "../notifications/cloud-event";
import { registerWebhook } from "../notifications/register-webhook";
import { driftScanJob } from "./drift-scan-job";

/**
 * The scheduled drift scan, wired as portcullisJobs wires it (announceDrift): drift is announced
 * to the instance's webhooks when it first appears, not again on every scan while it lasts.
 */
const sandbox = setupSandboxHarness();
const admin = contextFor("admin");

describe("the scheduled drift scan", () => {
  it("announces an API's drift once, on the scan that first finds it, and keeps what it found for the next", async () => {
    const webhook = await registerWebhook(admin, {
      url: `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/events`,
      instanceId: sandbox.instance.id,
      events: ["drift.detected"],
    });
    const [name] = await sandbox.controls.seedApis(1, { prefix: "scheduled-drift" });
    const apiId = await apiIdOf(admin, sandbox.instance.id, name!);
    await saveProfile(admin, apiId, profiles.headerKey());
    expect((await planAndApply(admin, apiId)).deployment.status).toBe("succeeded");

    const job = driftScanJob(sandbox.instance.id, 60_000, announceDrift);
    const announced = async () =>
      (await sandbox.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } })).map(
        (row) => cloudEventSchema.parse(row.payload).data as { apis: Array<{ id: string }> },
      );

    const clean = await job.run({ now: new Date(), state: null });
    expect(clean.summary).toMatch(/1 in sync/);
    expect(clean.state).toEqual({ drifted: [] });
    expect(await announced()).toEqual([]);

    // Someone edits the managed block in APIM by hand.
    const apim = apimClientForInstance(sandbox.instance);
    const live = (await apim.getApiPolicy(name!)).value!;
    await apim.putApiPolicy(
      name!,
      live.xml.replace("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555"),
      { etag: live.etag },
    );

    const found = await job.run({ now: new Date(), state: clean.state });
    expect(found.summary).toMatch(/1 drifted/);
    expect(found.state).toEqual({ drifted: [apiId] });
    const events = await announced();
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events[0])).toContain(apiId);

    // The drift lasts: the next scan finds it again but does not announce it again.
    const again = await job.run({ now: new Date(), state: found.state });
    expect(again.state).toEqual({ drifted: [apiId] });
    expect(await announced()).toHaveLength(1);
  });
});
