import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import * as plans from "../../app/api/v1/apis/[id]/plans/route";
import * as deployment from "../../app/api/v1/deployments/[id]/route";
import * as instances from "../../app/api/v1/instances/route";
import * as apply from "../../app/api/v1/plans/[id]/apply/route";
import * as secrets from "../../app/api/v1/instances/[id]/secrets/route";
import * as sync from "../../app/api/v1/instances/[id]/sync/route";
import { ensureSandboxTls } from "../../sandbox/tls/ensure-sandbox-tls";
import type { DeploymentView, PlanView } from "../../lib/deployments/schemas";
import { callRoute } from "../support/call-route";
import { apiIdOf, profiles, saveProfile } from "../support/deployment-fixtures";
import { contextFor } from "../support/request-context";
import { setupSandboxHarness } from "../support/sandbox-harness";

// Next runs `after()` tasks once the response has been sent; outside a Next server, start them at once.
vi.mock("next/server", async (importOriginal) => ({
  ...(await importOriginal<typeof import("next/server")>()),
  after: (task: () => Promise<unknown>) => void task(),
}));

/**
 * The ARM bearer token authorises Portcullis on every APIM service it manages: it must never
 * reach a host that is not an allowed ARM endpoint. Two local HTTPS listeners stand in for
 * such hosts and record every Authorization header they receive: one allowed through
 * ARM_ENDPOINTS_ALLOWED (which proves a token would be seen), one not.
 */
interface Listener {
  origin: string;
  authorizations: string[];
  server: Server;
}

async function startListener(): Promise<Listener> {
  const tls = await ensureSandboxTls(inject("sandboxTlsDir"));
  const authorizations: string[] = [];
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, (request, response) => {
    authorizations.push(request.headers.authorization ?? "(none)");
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ value: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, authorizations, server };
}

// Started before the harness reads the configuration, so the allowed one is in it.
const allowed = await startListener();
const sink = await startListener();
process.env.ARM_ENDPOINTS_ALLOWED = allowed.origin;

const sandbox = setupSandboxHarness();
let admin = "";
beforeAll(async () => {
  admin = await sandbox.tokens.automation();
});
afterAll(() => {
  allowed.server.close();
  sink.server.close();
});

const coordinates = {
  subscriptionId: "11111111-1111-1111-1111-111111111111",
  resourceGroup: "rg",
  serviceName: "apim-elsewhere",
};

describe("REST: the ARM endpoint of an instance", () => {
  it("registers only allowed endpoints, refusing others with 400 naming armEndpoint", async () => {
    const refused = await callRoute(instances.POST, {
      path: "/instances",
      token: admin,
      body: { name: "sink", ...coordinates, armEndpoint: sink.origin },
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.body).toMatchObject({ code: "bad_request", errors: [{ path: "armEndpoint" }] });
    expect(await sandbox.db.prisma.instance.count({ where: { armEndpoint: sink.origin } })).toBe(0);

    for (const armEndpoint of ["https://management.usgovcloudapi.net", "https://management.chinacloudapi.cn"]) {
      const cloud = await callRoute(instances.POST, {
        path: "/instances",
        token: admin,
        body: { name: armEndpoint, ...coordinates, armEndpoint },
      });
      expect(cloud.status).toBe(201);
    }
  });

  it("sends the ARM token to an endpoint allowed by ARM_ENDPOINTS_ALLOWED", async () => {
    const created = await callRoute(instances.POST, {
      path: "/instances",
      token: admin,
      body: { name: "allowed", ...coordinates, serviceName: "apim-allowed", armEndpoint: allowed.origin },
    });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;

    const synced = await callRoute(sync.POST, {
      path: `/instances/${id}/sync`,
      method: "POST",
      token: admin,
      params: { id },
    });
    expect(synced.status).toBe(200);
    expect(allowed.authorizations.length).toBeGreaterThan(0);
    expect(allowed.authorizations.every((a) => a.startsWith("Bearer "))).toBe(true);
  });

  it("never sends it to an instance stored with another endpoint (registered before the rule)", async () => {
    const stored = await sandbox.db.prisma.instance.create({
      data: { name: "stored-sink", ...coordinates, serviceName: "apim-sink", armEndpoint: sink.origin },
    });

    const synced = await callRoute(sync.POST, {
      path: `/instances/${stored.id}/sync`,
      method: "POST",
      token: admin,
      params: { id: stored.id },
    });
    expect(synced.status).toBe(409);
    expect(synced.body).toMatchObject({ code: "conflict", errors: [{ path: "armEndpoint" }] });
    const listed = await callRoute(secrets.GET, {
      path: `/instances/${stored.id}/secrets`,
      token: admin,
      params: { id: stored.id },
    });
    expect(listed.status).toBe(409);

    expect(sink.authorizations).toEqual([]);
  });

  it("fails an apply, sending nothing, when the instance's endpoint stopped being allowed after the plan", async () => {
    const ctx = contextFor("admin");
    const [name] = await sandbox.controls.seedApis(1, { prefix: "arm-endpoint" });
    const apiId = await apiIdOf(ctx, sandbox.instance.id, name!);
    await saveProfile(ctx, apiId, profiles.headerKey());
    const planned = await callRoute(plans.POST, {
      path: `/apis/${apiId}/plans`,
      method: "POST",
      token: admin,
      params: { id: apiId },
    });
    const planId = (planned.body as PlanView).id;
    // The instance now points elsewhere, as an instance stored before the rule would.
    await sandbox.db.prisma.instance.update({ where: { id: sandbox.instance.id }, data: { armEndpoint: sink.origin } });

    const applied = await callRoute(apply.POST, {
      path: `/plans/${planId}/apply`,
      method: "POST",
      token: admin,
      params: { id: planId },
    });
    const id = (applied.body as DeploymentView).id;
    let done: DeploymentView;
    do {
      done = (await callRoute(deployment.GET, { path: `/deployments/${id}`, token: admin, params: { id } }))
        .body as DeploymentView;
    } while (["queued", "running"].includes(done.status));
    expect(done).toMatchObject({ status: "failed", error: { code: "check_failed" } });
    expect(done.error?.message).toMatch(/not an allowed ARM endpoint, so nothing was sent/);
    expect(sink.authorizations).toEqual([]);
  });
});
