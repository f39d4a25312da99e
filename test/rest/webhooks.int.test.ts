import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import * as webhooks from "../../app/api/v1/webhooks/route";
import * as webhook from "../../app/api/v1/webhooks/[id]/route";
import * as deliveries from "../../app/api/v1/webhooks/[id]/deliveries/route";
import * as secretRoute from "../../app/api/v1/webhooks/[id]/secret/route";
import * as testEvents from "../../app/api/v1/webhooks/[id]/test-events/route";
import { Webhook } from "standardwebhooks";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();

let [admin, reader] = ["", ""];
beforeAll(async () => {
  [admin, reader] = await Promise.all([sandbox.tokens.automation(), sandbox.tokens.user("reader")]);
});

const receiver = (name: string) => `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/${name}`;
const register = (body: unknown, token = admin) => callRoute(webhooks.POST, { path: "/webhooks", token, body });
const one = (id: string, suffix = "") => ({ path: `/webhooks/${id}${suffix}`, params: { id } });
type Problem = { errors: Array<{ path: string; message: string }> };

describe("REST: webhooks", () => {
  it("registers a webhook (201) and answers its secret this once, never in a read, a list or the audit trail", async () => {
    const created = await register({ url: receiver("rest"), events: ["drift.detected", "deployment.failed"] });

    expect(created.status).toBe(201);
    const body = created.body as { id: string; secret: string };
    expect(body).toMatchObject({
      url: receiver("rest"),
      instanceId: null,
      events: ["drift.detected", "deployment.failed"],
      format: "cloudevents",
      enabled: true,
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/),
    });
    expect(created.headers.get("location")).toBe(`/api/v1/webhooks/${body.id}`);

    const read = await callRoute(webhook.GET, { ...one(body.id), token: reader });
    expect(read.status).toBe(200);
    // A reader sees the URL's origin only (a Teams or Slack URL is a credential); an admin all of it.
    expect(read.body).toMatchObject({ url: `${sandbox.coordinates.armEndpoint}/…` });
    expect(JSON.stringify(read.body)).not.toContain("webhooks/rest");
    expect((await callRoute(webhook.GET, { ...one(body.id), token: admin })).body).toMatchObject({
      url: receiver("rest"),
    });
    const list = await callRoute(webhooks.GET, { path: "/webhooks", token: reader });
    expect(list.status).toBe(200);
    const events = await sandbox.db.prisma.auditEvent.findMany({ where: { targetType: "webhook", targetId: body.id } });
    expect(events.map((e) => e.action)).toEqual(["webhook.register"]);
    expect(events[0]!.after).toMatchObject({ urlOrigin: sandbox.coordinates.armEndpoint });
    const stored = await sandbox.db.prisma.webhook.findUniqueOrThrow({ where: { id: body.id } });
    const secretBase64 = body.secret.slice("whsec_".length);
    const audited = events.map((e) => ({ before: e.before, after: e.after }));
    for (const text of [read.body, list.body, audited, stored].map((v) => JSON.stringify(v)))
      expect(text).not.toContain(secretBase64);
    expect(JSON.stringify(read.body)).not.toContain("secret");
  });

  it.each([
    ["an http:// URL", "http://hooks.example.com/in", "must be an https:// URL"],
    ["a loopback address", "https://127.0.0.1/in", "127.0.0.1"],
    ["a name resolving to loopback", "https://localhost/in", "must not resolve to a private address"],
    ["a private address", "https://10.1.2.3/in", "10.1.2.3"],
    ["the cloud metadata address", "https://169.254.169.254/metadata", "169.254.169.254"],
    ["an IPv4-mapped IPv6 loopback", "https://[::ffff:127.0.0.1]/in", "loopback"],
    ["a unique-local IPv6 address", "https://[fd12:3456::1]/in", "unique-local"],
    ["the simulator outside its receiver", `https://127.0.0.1:1/_sandbox/reset`, "127.0.0.1"],
    ["a URL with credentials", "https://user:pass@hooks.example.com/in", "user name or password"],
  ])("refuses %s with 400 naming the url", async (_case, url, reason) => {
    const response = await register({ url, events: ["drift.detected"] });
    expect(response.status).toBe(400);
    const { errors } = response.body as Problem;
    expect(errors.map((e) => e.path)).toEqual(["url"]);
    expect(errors[0]!.message).toContain(reason);
  });

  it("refuses unknown events, an unknown instance and a reader", async () => {
    const unknownEvent = await register({ url: receiver("x"), events: ["drift.detected", "everything"] });
    expect(unknownEvent.status).toBe(400);
    expect((unknownEvent.body as Problem).errors.map((e) => e.path)).toEqual(["events[1]"]);
    const unknownInstance = await register({
      url: receiver("x"),
      events: ["drift.detected"],
      instanceId: "0d6f3c52-9a0e-4c52-8a5e-3f1f0c7f2a11",
    });
    expect(unknownInstance.status).toBe(400);
    expect((unknownInstance.body as Problem).errors.map((e) => e.path)).toEqual(["instanceId"]);
    expect((await register({ url: receiver("x"), events: ["drift.detected"] }, reader)).status).toBe(403);
  });

  it("changes, tests, logs and deletes a webhook (admin only)", async () => {
    const created = await register({ url: receiver("lifecycle"), events: ["audit.checkpoint"], format: "slack" });
    const { id } = created.body as { id: string };

    const patch = (body: unknown, token = admin) =>
      callRoute(webhook.PATCH, { ...one(id), token, body, method: "PATCH" });
    expect((await patch({ enabled: false }, reader)).status).toBe(403);
    const disabled = await patch({ enabled: false, format: "cloudevents" });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, format: "cloudevents" });
    const moved = await patch({ url: "https://192.168.0.10/hook" });
    expect(moved.status).toBe(400);
    expect((moved.body as Problem).errors.map((e) => e.path)).toEqual(["url"]);
    expect((await patch({})).status).toBe(400);

    expect(
      (await callRoute(testEvents.POST, { ...one(id, "/test-events"), token: reader, method: "POST" })).status,
    ).toBe(403);
    const sent = await callRoute(testEvents.POST, { ...one(id, "/test-events"), token: admin, method: "POST" });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ eventType: "webhook.test", status: "delivered", attempts: 1, lastStatus: 204 });
    expect(await sandbox.controls.webhooksReceived("lifecycle")).toHaveLength(1);

    const log = await callRoute(deliveries.GET, { ...one(id, "/deliveries"), token: reader });
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ items: [{ eventType: "webhook.test", status: "delivered" }], nextCursor: null });

    expect((await callRoute(webhook.DELETE, { ...one(id), token: reader, method: "DELETE" })).status).toBe(403);
    const deleted = await callRoute(webhook.DELETE, { ...one(id), token: admin, method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect((await callRoute(webhook.GET, { ...one(id), token: admin })).status).toBe(404);
    const actions = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetType: "webhook", targetId: id },
      orderBy: { seq: "asc" },
    });
    expect(actions.map((e) => e.action)).toEqual([
      "webhook.register",
      "webhook.update",
      "webhook.test",
      "webhook.delete",
    ]);
  });

  it("replaces the signing secret (admin only): answered once, the next delivery verifies with it and not the old one", async () => {
    const created = await register({ url: receiver("regenerated"), events: ["audit.checkpoint"] });
    const { id, secret: old } = created.body as { id: string; secret: string };

    const denied = await callRoute(secretRoute.POST, { ...one(id, "/secret"), token: reader, method: "POST" });
    expect(denied.status).toBe(403);
    const replaced = await callRoute(secretRoute.POST, { ...one(id, "/secret"), token: admin, method: "POST" });
    expect(replaced.status).toBe(200);
    const { secret } = replaced.body as { secret: string };
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(secret).not.toBe(old);

    await callRoute(testEvents.POST, { ...one(id, "/test-events"), token: admin, method: "POST" });
    const [received] = await sandbox.controls.webhooksReceived("regenerated");
    expect(new Webhook(secret).verify(received!.body, received!.headers)).toMatchObject({
      type: "com.portcullis.webhook.test",
    });
    expect(() => new Webhook(old).verify(received!.body, received!.headers)).toThrow();

    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetType: "webhook", targetId: id },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => e.action)).toEqual(["webhook.register", "webhook.secret_regenerate", "webhook.test"]);
    const stored = await sandbox.db.prisma.webhook.findUniqueOrThrow({ where: { id } });
    const audited = events.map((e) => ({ before: e.before, after: e.after }));
    for (const text of [audited, stored, (await callRoute(webhook.GET, { ...one(id), token: admin })).body].map((v) =>
      JSON.stringify(v),
    ))
      expect(text).not.toContain(secret.slice("whsec_".length));
    expect(
      (await callRoute(secretRoute.POST, { ...one(randomUUID(), "/secret"), token: admin, method: "POST" })).status,
    ).toBe(404);
  });
});
