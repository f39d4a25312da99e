import { describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { cloudEventSchema } from "./cloud-event";
import { publishEvent } from "./publish-event";

const db = setupTestDatabase();
const NOW = new Date("2026-12-05T09:00:00.000Z");

async function instance(name: string): Promise<string> {
  const row = await db.current.prisma.instance.create({
    data: {
      name,
      subscriptionId: "s",
      resourceGroup: "rg",
      serviceName: name,
      armEndpoint: "https://management.azure.com",
    },
  });
  return row.id;
}

async function webhook(instanceId: string | null, events: string[], enabled = true): Promise<string> {
  const row = await db.current.prisma.webhook.create({
    data: {
      instanceId,
      url: "https://hooks.example.com/portcullis",
      events,
      format: "cloudevents",
      enabled,
      secretSalt: "salt",
      createdBy: "test",
    },
  });
  return row.id;
}

describe("publishEvent", () => {
  it("writes one delivery per enabled webhook subscribed to the event, the instance's own and the global ones", async () => {
    const prod = await instance("prod");
    const test = await instance("test");
    const global = await webhook(null, ["drift.detected", "audit.checkpoint"]);
    const prodHook = await webhook(prod, ["drift.detected"]);
    await webhook(test, ["drift.detected"]);
    await webhook(prod, ["deployment.failed"]);
    await webhook(prod, ["drift.detected"], false);

    const eventId = await db.current.prisma.$transaction((tx) =>
      publishEvent(tx, { type: "drift.detected", instanceId: prod, data: { apis: ["chat"], when: NOW } }, NOW),
    );
    const rows = await db.current.prisma.webhookDelivery.findMany({ where: { eventId: eventId! } });
    expect(rows.map((r) => r.webhookId).sort()).toEqual([global, prodHook].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ status: "pending", attempts: 0, eventType: "drift.detected", nextAttemptAt: NOW });
      expect(cloudEventSchema.parse(row.payload)).toEqual({
        specversion: "1.0",
        id: eventId,
        source: `/portcullis/instances/${prod}`,
        type: "com.portcullis.drift.detected",
        subject: prod,
        time: NOW.toISOString(),
        datacontenttype: "application/json",
        data: { apis: ["chat"], when: NOW.toISOString() },
      });
    }

    // An event without an instance reaches global webhooks only.
    const checkpoint = await publishEvent(db.current.prisma, { type: "audit.checkpoint", instanceId: null, data: {} });
    const checkpointRows = await db.current.prisma.webhookDelivery.findMany({ where: { eventId: checkpoint! } });
    expect(checkpointRows.map((r) => r.webhookId)).toEqual([global]);
  });

  it("writes nothing when nobody subscribed, and nothing when the change's transaction rolls back", async () => {
    const staging = await instance("staging");
    expect(await publishEvent(db.current.prisma, { type: "secret.rotation_due", instanceId: staging, data: {} })).toBe(
      null,
    );
    await webhook(staging, ["verification.failed"]);
    const before = await db.current.prisma.webhookDelivery.count();
    await expect(
      db.current.prisma.$transaction(async (tx) => {
        await publishEvent(tx, { type: "verification.failed", instanceId: staging, data: {} });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.current.prisma.webhookDelivery.count()).toBe(before);
  });
});
