import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { FaultConfig } from "../../sandbox/apim";
import type { RequestLogEntry } from "../../sandbox/apim/controls/request-log";
import { sandboxAppEnvironment } from "../../sandbox/sandbox-coordinates";
import { startSandbox } from "../../sandbox/start-sandbox";
import { ensureSandboxTls } from "../../sandbox/tls/ensure-sandbox-tls";
import { systemContext } from "../../lib/auth/system-context";
import type { RequestContext } from "../../lib/auth/request-context";
import { setDb } from "../../lib/db";
import { createTestDatabase } from "../../test/support/test-database";
import { limitConcurrency } from "../../lib/apim";
import { listApis } from "../../lib/apis/list-apis";
import { planAndApply, saveProfile } from "../../test/support/deployment-fixtures";
import type { AccessProfileInput } from "../../lib/policy";
import { configureApimClients } from "../../lib/apim/client-for-instance";
import { registerInstance } from "../../lib/instances/register-instance";
import { syncInstance } from "../../lib/instances/sync-instance";
import type { InstanceView } from "../../lib/instances/schemas";

/**
 * The control plane in one plain process for the deployment benchmarks, as in sandbox mode: a
 * migrated database (TEST_DB=pglite|postgres), the sandbox identity provider and APIM simulator
 * over HTTPS, the simulated instance registered, Portcullis acting as itself.
 */
export interface ControlPlane {
  instance: InstanceView;
  ctx: RequestContext;
  engine: string;
  setFaults(config: FaultConfig): Promise<void>;
  clearFaults(): Promise<void>;
  /** The simulator's request log after `since` (a sequence number), oldest first. */
  requests(since?: number): Promise<RequestLogEntry[]>;
  /** Seeds `count` APIs named `<prefix>-1…`, syncs the instance once and returns their ids. */
  seedApis(count: number, prefix: string): Promise<string[]>;
}

/**
 * Runs `main` with a control plane. Node reads NODE_EXTRA_CA_CERTS only when it starts, so the
 * first process makes the sandbox CA and runs the script again, trusting it.
 */
export async function benchmark(main: (plane: ControlPlane) => Promise<void>): Promise<void> {
  if (!process.env.PORTCULLIS_BENCH_TLS_DIR) {
    const tlsDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-tls-"));
    const { caCertPath } = await ensureSandboxTls(tlsDir);
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caCertPath,
        PORTCULLIS_BENCH_TLS_DIR: tlsDir,
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      },
    });
    const code = await new Promise<number>((resolve) => child.on("exit", (exit) => resolve(exit ?? 1)));
    await rm(tlsDir, { recursive: true, force: true });
    process.exit(code);
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-"));
  const database = await createTestDatabase();
  setDb({ prisma: database.prisma, close: () => database.close() });
  const sandbox = await startSandbox({
    dataDir,
    appUrl: "http://localhost:3999",
    identityPort: 0,
    armPort: 0,
    roleNames: { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" },
    tlsDir: process.env.PORTCULLIS_BENCH_TLS_DIR,
    simulator: { lro: { polls: 0 } },
  });
  try {
    const c = sandbox.coordinates;
    Object.assign(process.env, sandboxAppEnvironment(c));
    configureApimClients({ pollIntervalMs: 10 });
    const ctx = systemContext();
    const instance = await registerInstance(ctx, {
      name: "sandbox",
      subscriptionId: c.subscriptionId,
      resourceGroup: c.resourceGroup,
      serviceName: c.serviceName,
      armEndpoint: c.armEndpoint,
    });
    const control = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${c.armEndpoint}/_sandbox/${route}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`sandbox control ${method} ${route}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : ((await response.json()) as unknown);
    };
    await main({
      instance,
      ctx,
      engine: database.engine,
      setFaults: async (config) => void (await control("POST", "faults", config)),
      clearFaults: async () => void (await control("DELETE", "faults")),
      requests: async (since = 0) =>
        ((await control("GET", `requests?since=${since}&limit=1000000`)) as { requests: RequestLogEntry[] }).requests,
      seedApis: async (count, prefix) => {
        const names = new Set(((await control("POST", "seed", { apis: count, prefix })) as { apis: string[] }).apis);
        await syncInstance(ctx, { instanceId: instance.id });
        const ids: string[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await listApis(ctx, { search: prefix, limit: 200, cursor });
          ids.push(...page.items.filter((api) => names.has(api.apimName)).map((api) => api.id));
          if (page.nextCursor === null) return ids;
          cursor = page.nextCursor;
        }
      },
    });
  } finally {
    await sandbox.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** `--name=value` from the command line, as a positive whole number. */
export function numberArgument(name: string, fallback: number): number {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
  const value = given === undefined ? fallback : Number(given);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

/** Setup, not measured: saves `profile` for every API and applies it, 16 APIs at a time. */
export async function deployEach(
  plane: ControlPlane,
  apiIds: readonly string[],
  profile: AccessProfileInput,
): Promise<void> {
  const limit = limitConcurrency(16);
  await Promise.all(
    apiIds.map((apiId) =>
      limit(async () => {
        await saveProfile(plane.ctx, apiId, profile);
        const { deployment } = await planAndApply(plane.ctx, apiId);
        if (deployment.status !== "succeeded") throw new Error(`setup apply failed: ${deployment.error?.message}`);
      }),
    ),
  );
}
