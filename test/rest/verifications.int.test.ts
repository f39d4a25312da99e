import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as batches from "../../app/api/v1/instances/[id]/verifications/route";
import * as batch from "../../app/api/v1/instances/[id]/verifications/[batchId]/route";
import * as verifications from "../../app/api/v1/apis/[id]/verifications/route";
import * as latest from "../../app/api/v1/apis/[id]/verifications/latest/route";
import * as settings from "../../app/api/v1/instances/[id]/verification-settings/route";
import { createPlan } from "../../lib/deployments/create-plan";
import { registerWebhook } from "../../lib/notifications/register-webhook";
import type { AccessProfile } from "../../lib/policy";
import type { VerificationBatchView, VerificationView } from "../../lib/verification/schemas";
import { SANDBOX_PROBE_ONLY_AUDIENCE } from "../../sandbox/sandbox-coordinates";
import { callRoute } from "../support/call-route";
import { apiIdOf, applyPlan, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { sandboxArm } from "../support/sandbox-arm";
import { setupSandboxHarness } from "../support/sandbox-harness";

/**
 * Verification over REST against the whole sandbox: the gateway runs what APIM holds, the model
 * checks the credential APIM sends. What Portcullis configured is proven; a named value changed
 * behind its back makes the next verification fail naming the model's refusal.
 */
// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

const sandbox = setupSandboxHarness();
const admin = contextFor("admin");
let automation = "";
let reader = "";

beforeAll(async () => {
  automation = await sandbox.tokens.automation();
  reader = await sandbox.tokens.user("reader");
});

const arm = sandboxArm(() => sandbox.coordinates);

/**
 * An API created in APIM behind Portcullis's back (one chat operation), then given a profile that
 * lets only the first sandbox caller client in with a token for the LLM APIs, applied: its id.
 */
async function appliedCallerCheckedApi(
  name: string,
  api: {
    serviceUrl: string;
    urlTemplate: string;
    subscriptionRequired: boolean;
    backendAuth: AccessProfile["backendAuth"];
    /** The caller check's audiences; the sandbox's LLM API audience by default. */
    audiences?: string[];
  },
): Promise<string> {
  const c = sandbox.coordinates;
  await arm("PUT", `/apis/${name}`, {
    properties: {
      displayName: name,
      path: name,
      protocols: ["https"],
      serviceUrl: api.serviceUrl,
      subscriptionRequired: api.subscriptionRequired,
    },
  });
  await arm("PUT", `/apis/${name}/operations/chat`, {
    properties: {
      displayName: "Chat",
      method: "POST",
      urlTemplate: api.urlTemplate,
      templateParameters: [...api.urlTemplate.matchAll(/\{([^}]+)\}/g)].map(([, parameter]) => ({
        name: parameter,
        type: "string",
        required: true,
        values: [],
      })),
    },
  });
  const id = await apiIdOf(admin, sandbox.instance.id, name);
  await saveProfile(admin, id, {
    backendAuth: api.backendAuth,
    callerAuth: {
      mode: "entra",
      tenantId: c.tenantId,
      clientApplicationIds: [c.callerClients[0]!.clientId],
      audiences: api.audiences ?? [c.llmApiAudience],
    },
  });
  expect((await applyPlan(admin, (await createPlan(admin, { apiId: id })).id)).status).toBe("succeeded");
  return id;
}

const verify = (id: string, token = automation, body: unknown = {}) =>
  callRoute(verifications.POST, { path: `/apis/${id}/verifications`, token, params: { id }, body });

const probe = (verification: VerificationView, kind: string) =>
  verification.probes.find((candidate) => candidate.kind === kind);

describe("REST: verifications", () => {
  it("proves the seeded caller-checked API: no token, another client and another audience refused, the allowed client reaches the model", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const created = await verify(id);
    expect(created.status).toBe(201);
    const verification = created.body as VerificationView;
    expect(created.headers.get("location")).toBe(`/api/v1/apis/${id}/verifications/latest`);
    expect(verification).toMatchObject({
      apiId: id,
      status: "proven",
      gatewayUrl: sandbox.coordinates.gatewayUrl,
      target: { method: "POST", operationId: "getChatCompletions" },
      startedBy: expect.any(String),
    });
    const caller = sandbox.coordinates.callerClients[0]!;
    expect(probe(verification, "noToken")).toMatchObject({
      outcome: "passed",
      expected: { decision: "denied", status: 401 },
      actualStatus: 401,
    });
    expect(probe(verification, "notAllowedClient")).toMatchObject({
      outcome: "passed",
      caller: expect.stringContaining(sandbox.coordinates.webClient.clientId),
      actualStatus: 401,
    });
    expect(probe(verification, "wrongAudience")).toMatchObject({ outcome: "passed", actualStatus: 401 });
    // Its token is for an app registration without an API: never one Portcullis's REST API (or any API) accepts.
    const wrongAudience = JSON.stringify(probe(verification, "wrongAudience")!.expected);
    expect(wrongAudience).toContain(SANDBOX_PROBE_ONLY_AUDIENCE);
    expect(wrongAudience).not.toContain(`'${sandbox.coordinates.apiAudience}'`);
    expect(probe(verification, "expired")).toMatchObject({ outcome: "not_probed", detail: expect.any(String) });
    expect(probe(verification, "missingClaim")).toMatchObject({
      outcome: "not_probed",
      detail: "no token validation on the path requires claims",
    });
    expect(probe(verification, "allowedClient")).toMatchObject({
      outcome: "passed",
      caller: expect.stringContaining(caller.clientId),
      expected: { decision: "allowed" },
      actualStatus: 200,
      latencyMs: expect.any(Number),
      gatewayRequestId: expect.any(String),
    });
    // Evidence, never credentials: no token or secret in what is stored and answered.
    const text = JSON.stringify(verification);
    expect(text).not.toContain(caller.clientSecret);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);

    const read = await callRoute(latest.GET, {
      path: `/apis/${id}/verifications/latest`,
      token: reader,
      params: { id },
    });
    expect(read).toMatchObject({ status: 200, body: verification });
    const events = await sandbox.db.prisma.auditEvent.findMany({ where: { action: "verification.run", targetId: id } });
    expect(
      events.map((event: { after: unknown }) => (event.after as { verificationId: string }).verificationId),
    ).toContain(verification.id);
    expect(JSON.stringify(events.map((event: { after: unknown }) => event.after))).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });

  it("probes an API that requires a subscription key with the key of a subscription that opens it, never keeping the key", async () => {
    const id = await appliedCallerCheckedApi("verify-subscribed", {
      serviceUrl: "https://portcullis-sandbox-foundry.services.ai.azure.com/models",
      urlTemplate: "/chat/completions?api-version={api-version}",
      subscriptionRequired: true,
      backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
    });
    const verification = (await verify(id)).body as VerificationView;
    expect(verification).toMatchObject({ status: "proven", target: { productId: null } });
    // Every probe got past the subscription check: the caller check refused, the allowed client reached the model.
    expect(probe(verification, "noToken")).toMatchObject({ outcome: "passed", actualStatus: 401 });
    expect(probe(verification, "notAllowedClient")).toMatchObject({ outcome: "passed", actualStatus: 401 });
    expect(probe(verification, "allowedClient")).toMatchObject({ outcome: "passed", actualStatus: 200 });
    expect(verification.notes).toContainEqual(
      expect.stringContaining("subscription 'Sandbox: all APIs' (sandbox-all-apis, scope /apis)"),
    );

    // The gateway refuses a call without the key (so the probes did carry it), and the key is nowhere in the evidence.
    expect(
      (
        await fetch(`${sandbox.coordinates.gatewayUrl}/verify-subscribed/chat/completions?api-version=2024-10-21`, {
          method: "POST",
        })
      ).status,
    ).toBe(401);
    const { primaryKey } = (await (await arm("POST", "/subscriptions/sandbox-all-apis/listSecrets")).json()) as {
      primaryKey: string;
    };
    const read = await callRoute(latest.GET, {
      path: `/apis/${id}/verifications/latest`,
      token: reader,
      params: { id },
    });
    const events = await sandbox.db.prisma.auditEvent.findMany({ where: { action: "verification.run", targetId: id } });
    for (const text of [
      JSON.stringify(verification),
      JSON.stringify(read.body),
      JSON.stringify(events.map((event: { after: unknown }) => event.after)),
    ])
      expect(text).not.toContain(primaryKey);
  });

  it("says why an API that requires a subscription key is not proven when no subscription opens it", async () => {
    await arm("PUT", "/subscriptions/sandbox-all-apis", {
      properties: { scope: "/apis", displayName: "Sandbox: all APIs", state: "suspended" },
    });
    try {
      const id = await apiIdOf(admin, sandbox.instance.id, "verify-subscribed");
      const verification = (await verify(id)).body as VerificationView;
      expect(verification.status).toBe("unproven");
      expect(verification.summary).toBe(
        "Not proven: the API requires a subscription key, and the service has no active subscription to the API, to all APIs or to a product holding it (1 subscription is not active).",
      );
      expect(verification.probes.every((candidate) => candidate.outcome === "not_probed")).toBe(true);
    } finally {
      await arm("PUT", "/subscriptions/sandbox-all-apis", {
        properties: { scope: "/apis", displayName: "Sandbox: all APIs", state: "active" },
      });
    }
  });

  it("fails naming the model's refusal once the API key's named value is changed behind Portcullis's back", async () => {
    const id = await appliedCallerCheckedApi("verify-key", {
      serviceUrl: "https://portcullis-sandbox-aoai.openai.azure.com/openai",
      urlTemplate: "/deployments/{deployment-id}/chat/completions?api-version={api-version}",
      subscriptionRequired: false,
      backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
    });
    const webhook = await registerWebhook(admin, {
      url: `${sandbox.coordinates.armEndpoint}/_sandbox/webhooks/verification-failed`,
      instanceId: sandbox.instance.id,
      events: ["verification.failed"],
    });
    const before = (await verify(id)).body as VerificationView;
    expect(before.status).toBe("proven");

    await arm("PUT", "/namedValues/azure-openai-api-key", {
      properties: { displayName: "azure-openai-api-key", value: "a-key-the-model-never-issued", secret: true },
    });
    const after = (await verify(id)).body as VerificationView;
    expect(after.status).toBe("failed");
    expect(probe(after, "allowedClient")).toMatchObject({
      outcome: "failed",
      actualStatus: 401,
      detail: expect.stringContaining("the model refused APIM's credential: 401 from the backend"),
    });
    // Callers are still kept out: only the backend credential broke.
    expect(probe(after, "noToken")).toMatchObject({ outcome: "passed", actualStatus: 401 });
    expect(after.summary).toContain("the model refused APIM's credential");
    // The failure, not the proof before it, is announced to the instance's webhooks (lib/notifications).
    const announced = await sandbox.db.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id } });
    expect(announced.map((row) => row.payload)).toEqual([
      expect.objectContaining({
        type: "com.portcullis.verification.failed",
        subject: sandbox.instance.id,
        data: expect.objectContaining({ verificationId: after.id, apiId: id, status: "failed" }),
      }),
    ]);

    const listed = await callRoute(verifications.GET, {
      path: `/apis/${id}/verifications?limit=1`,
      token: reader,
      params: { id },
    });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ items: [{ id: after.id }], nextCursor: expect.any(String) });
  });

  it("takes an instance's gateway URL only where its service answers or at an allowed origin, and probes go there", async () => {
    const id = sandbox.instance.id;
    const put = (body: unknown, token = automation) =>
      callRoute(settings.PUT, { path: `/instances/${id}/verification-settings`, token, params: { id }, body });
    expect((await put({ gatewayUrl: null, verifyAfterApply: false }, reader)).status).toBe(403);
    for (const gatewayUrl of [
      "https://169.254.169.254",
      "http://contoso.azure-api.net",
      "https://evil.example",
      // Anyone can create a service under APIM's domains: only this service's gateways count.
      "https://evil.azure-api.net",
    ]) {
      const refused = await put({ gatewayUrl, verifyAfterApply: false });
      expect(refused.status, gatewayUrl).toBe(400);
      expect(JSON.stringify(refused.body)).toContain("gatewayUrl");
    }
    // The sandbox gateway's origin is allowed (VERIFY_GATEWAYS_ALLOWED); a prefix no API lives under proves the probes go there.
    const elsewhere = await put({
      gatewayUrl: `${sandbox.coordinates.gatewayUrl}/elsewhere/`,
      verifyAfterApply: false,
    });
    expect(elsewhere).toMatchObject({
      status: 200,
      body: { gatewayUrl: `${sandbox.coordinates.gatewayUrl}/elsewhere`, verifyAfterApply: false },
    });
    try {
      const apiId = await apiIdOf(admin, id, "foundry-models");
      const verification = (await verify(apiId)).body as VerificationView;
      expect(verification.gatewayUrl).toBe(`${sandbox.coordinates.gatewayUrl}/elsewhere`);
      expect(verification.status).toBe("failed");
      expect(probe(verification, "allowedClient")).toMatchObject({ outcome: "failed", actualStatus: 404 });
      expect(verification.notes).toContainEqual(expect.stringContaining("the instance's configured gateway URL"));
    } finally {
      expect((await put({ gatewayUrl: null, verifyAfterApply: false })).status).toBe(200);
    }
    // A URL stored before this rule (or by hand) is checked again before any probe leaves.
    const apiId = await apiIdOf(admin, id, "foundry-models");
    await sandbox.db.prisma.instance.update({ where: { id }, data: { gatewayUrl: "https://evil.azure-api.net" } });
    try {
      const refused = (await verify(apiId)).body as VerificationView;
      expect(refused).toMatchObject({ status: "error", probes: [] });
      expect(refused.summary).toContain("The instance's gateway URL https://evil.azure-api.net is not allowed");
    } finally {
      await sandbox.db.prisma.instance.update({ where: { id }, data: { gatewayUrl: null } });
    }
    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { action: "instance.verification-settings.update", targetId: id },
    });
    expect(events.map((event: { after: unknown }) => event.after)).toEqual([
      { gatewayUrl: `${sandbox.coordinates.gatewayUrl}/elsewhere`, verifyAfterApply: false },
      { gatewayUrl: null, verifyAfterApply: false },
    ]);
  });

  it("refuses a verification body with a misspelt field instead of probing the default operation", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "foundry-models");
    const refused = await verify(id, automation, { operationID: "does-not-exist" });
    expect(refused).toMatchObject({ status: 400, body: { code: "bad_request" } });
    expect(JSON.stringify(refused.body)).toContain("operationID");
    const all = await callRoute(batches.POST, {
      path: `/instances/${sandbox.instance.id}/verifications`,
      token: automation,
      params: { id: sandbox.instance.id },
      body: { concurency: 2 },
    });
    expect(all.status).toBe(400);
  });

  it("asks no token for an audience where it would be a credential, such as ARM, and says so", async () => {
    const id = await appliedCallerCheckedApi("verify-arm-audience", {
      serviceUrl: "https://portcullis-sandbox-foundry.services.ai.azure.com/models",
      urlTemplate: "/chat/completions?api-version={api-version}",
      subscriptionRequired: false,
      backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
      audiences: ["https://management.azure.com/"],
    });
    const verification = (await verify(id)).body as VerificationView;
    const refusal = "no token is asked for: https://management.azure.com/ is a Microsoft resource (ARM,";
    for (const kind of ["allowedClient", "notAllowedClient"])
      expect(probe(verification, kind), kind).toMatchObject({
        outcome: "not_probed",
        detail: expect.stringContaining(refusal),
      });
    // Said once, however many clients it would have asked a token for.
    expect(probe(verification, "allowedClient")!.detail!.split(refusal)).toHaveLength(2);
    expect(probe(verification, "noToken")).toMatchObject({ outcome: "passed", actualStatus: 401 });
  });

  it("verifies an API after each successful apply when the instance asks for it", async () => {
    const id = sandbox.instance.id;
    const put = (verifyAfterApply: boolean) =>
      callRoute(settings.PUT, {
        path: `/instances/${id}/verification-settings`,
        token: automation,
        params: { id },
        body: { gatewayUrl: null, verifyAfterApply },
      });
    expect((await put(true)).body).toMatchObject({ verifyAfterApply: true });
    try {
      const apiId = await appliedCallerCheckedApi("verify-after-apply", {
        serviceUrl: "https://portcullis-sandbox-foundry.services.ai.azure.com/models",
        urlTemplate: "/chat/completions?api-version={api-version}",
        subscriptionRequired: false,
        backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
      });
      const read = await callRoute(latest.GET, {
        path: `/apis/${apiId}/verifications/latest`,
        token: reader,
        params: { id: apiId },
      });
      expect(read).toMatchObject({ status: 200, body: { apiId, status: "proven" } });
    } finally {
      await put(false);
    }
  });

  it("lets readers read but not verify, and answers 404 for an API never verified", async () => {
    const id = await apiIdOf(admin, sandbox.instance.id, "azure-openai-eu");
    expect((await verify(id, reader)).status).toBe(403);
    expect(
      (await callRoute(latest.GET, { path: `/apis/${id}/verifications/latest`, token: reader, params: { id } })).status,
    ).toBe(404);
  });

  it("verifies every API of the instance a few at a time, with progress and failures first", async () => {
    const instanceId = sandbox.instance.id;
    await sandbox.controls.clearRequests();
    const started = await callRoute(batches.POST, {
      path: `/instances/${instanceId}/verifications`,
      token: automation,
      params: { id: instanceId },
      body: { concurrency: 2 },
    });
    expect(started.status).toBe(202);
    const first = started.body as VerificationBatchView;
    expect(first).toMatchObject({ concurrency: 2, finished: false, total: expect.any(Number) });
    expect(started.headers.get("location")).toBe(`/api/v1/instances/${instanceId}/verifications/${first.id}`);
    let current = first;
    while (!current.finished) {
      await sleep(100);
      current = (
        await callRoute(batch.GET, {
          path: `/instances/${instanceId}/verifications/${first.id}`,
          token: reader,
          params: { id: instanceId, batchId: first.id },
        })
      ).body as VerificationBatchView;
      expect(current.done).toBeLessThanOrEqual(current.total);
    }
    expect(current.done).toBe(current.total);
    const counts = current.counts;
    expect(counts.proven + counts.unproven + counts.failed + counts.error).toBe(current.total);
    expect(current.items.find((item) => item.apimName === "foundry-models")).toMatchObject({ status: "proven" });
    // Failures first: no failed or error item after a proven or unproven one.
    const rank = { failed: 0, error: 0, unproven: 1, proven: 2 };
    const ranks = current.items.map((item) => rank[item.status]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

    // The service's named values, backends, subscriptions and keys are read once for the whole batch.
    const paths = (await sandbox.controls.requests()).map((entry) => new URL(entry.url, "https://arm").pathname);
    const count = (pattern: RegExp) => paths.filter((path) => pattern.test(path)).length;
    expect(current.total).toBeGreaterThan(1);
    expect(count(/\/namedValues$/)).toBe(1);
    expect(count(/\/backends$/)).toBe(1);
    expect(count(/\/subscriptions$/)).toBe(1);
    const keyReads = paths.filter((path) => /\/subscriptions\/[^/]+\/listSecrets$/.test(path));
    expect(new Set(keyReads).size).toBe(keyReads.length);
  });
});
