import { Webhook } from "standardwebhooks";
import { beforeEach, describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { setupSandboxHarness } from "../../test/support/sandbox-harness";
import { MAX_ATTEMPTS, retryDelayMs } from "./attempt-delivery";
import { deliverDueWebhooks } from "./deliver-due-webhooks";
import { listWebhookDeliveries } from "./list-webhook-deliveries";
import { publishEvent } from "./publish-event";
import { registerWebhook } from "./register-webhook";
import { sendTestEvent } from "./send-test-event";

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
const receiver = (name: string) => `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/${name}`;

/** Registers a webhook on the simulator's receiver `name` for drift events of the sandbox instance. */
async function webhookOn(name: string, format: "cloudevents" | "slack" | "teams" = "cloudevents") {
  return registerWebhook(admin, {
    url: receiver(name),
    instanceId: sandbox.instance.id,
    events: ["drift.detected"],
    format,
  });
}

async function publishDrift(now: Date): Promise<string> {
  const id = await publishEvent(
    sandbox.db.prisma,
    { type: "drift.detected", instanceId: sandbox.instance.id, data: { summary: "chat drifted", apis: ["chat"] } },
    now,
  );
  return id!;
}

describe("webhook deliveries to the sandbox's receiver", () => {
  // Each test's event goes to its own webhooks only.
  beforeEach(async () => void (await sandbox.db.prisma.webhook.deleteMany()));

  it("delivers a CloudEvent whose signature verifies with the secret shown once (Standard Webhooks)", async () => {
    const webhook = await webhookOn("signed");
    const now = new Date();
    const eventId = await publishDrift(now);

    expect(await deliverDueWebhooks(sandbox.db.prisma, now)).toMatchObject({ delivered: 1 });
    const [received] = await sandbox.controls.webhooksReceived("signed");
    expect(received!.headers).toMatchObject({ "content-type": "application/json", "webhook-id": eventId });
    const event = new Webhook(webhook.secret).verify(received!.body, received!.headers) as Record<string, unknown>;
    expect(event).toMatchObject({
      specversion: "1.0",
      id: eventId,
      type: "com.portcullis.drift.detected",
      source: `/portcullis/instances/${sandbox.instance.id}`,
      datacontenttype: "application/json",
      data: { summary: "chat drifted", apis: ["chat"] },
    });
    // Another webhook's secret does not verify it.
    const other = await webhookOn("other");
    expect(() => new Webhook(other.secret).verify(received!.body, received!.headers)).toThrow();

    const log = await listWebhookDeliveries(admin, { webhookId: webhook.id });
    expect(log.items).toEqual([
      expect.objectContaining({ eventId, status: "delivered", attempts: 1, lastStatus: 204, lastError: null }),
    ]);
    // Delivered once: nothing is due any more.
    expect(await deliverDueWebhooks(sandbox.db.prisma, new Date(now.getTime() + 3_600_000))).toMatchObject({
      delivered: 0,
      failed: 0,
    });
  });

  it("retries after a 500 with backoff, and delivers once the receiver takes it", async () => {
    const webhook = await webhookOn("flaky");
    await sandbox.controls.answerWebhooks("flaky", [500]);
    const now = new Date();
    const eventId = await publishDrift(now);

    expect(await deliverDueWebhooks(sandbox.db.prisma, now)).toMatchObject({ failed: 1 });
    const [failed] = (await listWebhookDeliveries(admin, { webhookId: webhook.id })).items;
    expect(failed).toMatchObject({ status: "failed", attempts: 1, lastStatus: 500, lastError: "answered 500" });
    expect(failed!.nextAttemptAt).toBe(new Date(now.getTime() + retryDelayMs(1)).toISOString());

    // Not before its retry time …
    expect(await deliverDueWebhooks(sandbox.db.prisma, new Date(now.getTime() + retryDelayMs(1) - 1000))).toMatchObject(
      { delivered: 0, failed: 0 },
    );
    // … and delivered at it, with the same webhook-id (receivers drop duplicates by it).
    expect(await deliverDueWebhooks(sandbox.db.prisma, new Date(now.getTime() + retryDelayMs(1)))).toMatchObject({
      delivered: 1,
    });
    const received = await sandbox.controls.webhooksReceived("flaky");
    expect(received.map((r) => [r.status, r.headers["webhook-id"]])).toEqual([
      [500, eventId],
      [204, eventId],
    ]);
    expect((await listWebhookDeliveries(admin, { webhookId: webhook.id })).items[0]).toMatchObject({
      status: "delivered",
      attempts: 2,
      lastStatus: 204,
      lastError: null,
      nextAttemptAt: null,
    });
  });

  it("gives up after the last attempt fails", async () => {
    const webhook = await webhookOn("down");
    await sandbox.controls.answerWebhooks("down", Array<number>(MAX_ATTEMPTS + 2).fill(503));
    let now = new Date();
    await publishDrift(now);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const counts = await deliverDueWebhooks(sandbox.db.prisma, now);
      expect(counts).toEqual(
        attempt < MAX_ATTEMPTS ? { delivered: 0, failed: 1, given_up: 0 } : { delivered: 0, failed: 0, given_up: 1 },
      );
      now = new Date(now.getTime() + retryDelayMs(attempt));
    }
    expect(await deliverDueWebhooks(sandbox.db.prisma, new Date(now.getTime() + 86_400_000))).toMatchObject({
      failed: 0,
      given_up: 0,
    });
    expect(await sandbox.controls.webhooksReceived("down")).toHaveLength(MAX_ATTEMPTS);
    expect((await listWebhookDeliveries(admin, { webhookId: webhook.id })).items[0]).toMatchObject({
      status: "given_up",
      attempts: MAX_ATTEMPTS,
      lastStatus: 503,
      nextAttemptAt: null,
    });
  });

  it("sends Slack and Teams messages made from the event, signed as well", async () => {
    const slack = await webhookOn("slack", "slack");
    const teams = await webhookOn("teams", "teams");
    const now = new Date();
    await publishDrift(now);
    await deliverDueWebhooks(sandbox.db.prisma, now);
    const [toSlack] = await sandbox.controls.webhooksReceived("slack");
    expect(new Webhook(slack.secret).verify(toSlack!.body, toSlack!.headers)).toEqual({
      text: "*Portcullis: Drift detected*\nchat drifted",
    });
    const [toTeams] = await sandbox.controls.webhooksReceived("teams");
    expect(new Webhook(teams.secret).verify(toTeams!.body, toTeams!.headers)).toMatchObject({
      type: "message",
      attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", content: { type: "AdaptiveCard" } }],
    });
  });

  it("sends a test event at once, to that webhook alone", async () => {
    const webhook = await webhookOn("tested");
    const delivery = await sendTestEvent(admin, { webhookId: webhook.id });
    expect(delivery).toMatchObject({ eventType: "webhook.test", status: "delivered", attempts: 1, lastStatus: 204 });
    const [received] = await sandbox.controls.webhooksReceived("tested");
    expect(new Webhook(webhook.secret).verify(received!.body, received!.headers)).toMatchObject({
      type: "com.portcullis.webhook.test",
      data: { requestedBy: admin.actor.name },
    });
    await expect(sendTestEvent(contextFor("reader"), { webhookId: webhook.id })).rejects.toMatchObject({
      code: "forbidden",
    });
  });

  it("sends nothing to a host that resolves to a private address at send time (DNS rebinding)", async () => {
    // Stored as if the name had resolved to a public address when it was registered: the
    // connection is checked again, and localhost (loopback) is refused before anything is sent.
    const port = new URL(sandbox.coordinates.armEndpoint).port;
    const webhook = await sandbox.db.prisma.webhook.create({
      data: {
        instanceId: null,
        url: `https://localhost:${port}/_sandbox/webhooks/rebound`,
        events: ["drift.detected"],
        format: "cloudevents",
        secretSalt: "salt",
        createdBy: "test",
      },
    });
    const now = new Date();
    await publishDrift(now);
    await deliverDueWebhooks(sandbox.db.prisma, now);
    const [delivery] = (await listWebhookDeliveries(admin, { webhookId: webhook.id })).items;
    expect(delivery).toMatchObject({ status: "failed", lastStatus: null });
    expect(delivery!.lastError).toMatch(/localhost resolves to (127\.0\.0\.1|::1), a private address: not sent/);
    expect(await sandbox.controls.webhooksReceived("rebound")).toEqual([]);
  });
});
