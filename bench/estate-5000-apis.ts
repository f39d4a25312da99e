/**
 * An estate of 5,000 APIs in 10 APIM instances, on PostgreSQL (the production database):
 *
 * - sync: each instance's 500 APIs discovered through ARM with 50 ms per call; APIM pages the
 *   API list (100 a page), each page follows the previous one's nextLink, so the lower bound is
 *   5 pages x 50 ms. Goal ≤ 1.2x. Measured as REST `POST /instances/{id}/sync`, one per instance.
 * - reading the estate: the APIs list (first page, a search, one instance), the overview, and
 *   the REST list (first page and page 50) with a history behind them (4,000 APIs with a
 *   profile and a deployment, some failed or conflicted). Each is requested 5 x 40 times after
 *   a warm-up; a run's figure is the p95 of its 40 response times (whole response, on
 *   localhost: server time). Goal: p95 ≤ 150 ms.
 * - before the reads, the overview's drift check scans the whole estate once (no latency) and
 *   must find every deployed API in sync: the history is what the app writes.
 *
 *   npx tsx bench/estate-5000-apis.ts
 *
 * The app runs as `npm start` does (PORT, 3660) on a scratch PostgreSQL database; the ten
 * instances are ten services of one APIM simulator on one endpoint, as ARM serves every instance
 * of a cloud on one (the app's own sandbox is another simulator). The
 * history is inserted with SQL: planning and applying 4,000 APIs is another benchmark's subject.
 * PGlite is not measured here: it is the single-user sandbox's engine, and the app process owns it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { appliedStateOf } from "../lib/deployments/apply/applied-state";
import { computePlan } from "../lib/deployments/plan/compute-plan";
import { accessProfileSchema } from "../lib/policy";
import { startApimSimulator, type ApimSimulator } from "../sandbox/apim";
import { profiles } from "../test/support/deployment-fixtures";
import { ensureSandboxTls } from "../sandbox/tls/ensure-sandbox-tls";
import { createScratchPostgresDatabase, dropScratchPostgresDatabase } from "../test/support/test-database";
import { figure, percentile, printBenchResult, type BenchFigure } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";
import { sandboxRequest, signedInBrowser, startApp, type RunningApp } from "./support/running-app";

const INSTANCES = 10;
const APIS_PER_INSTANCE = 500;
const PAGE_SIZE = 100;
const LATENCY_MS = numberArgument("latency", 50);
const BATCHES = numberArgument("runs", 5);
const REQUESTS_PER_BATCH = 40;

const databaseUrl = await createScratchPostgresDatabase();
const simulatorDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-estate-"));
let simulator: ApimSimulator | undefined;
let app: RunningApp | undefined;
try {
  // The app sends its ARM token only to allowed endpoints: the simulator's port is chosen first.
  const port = await freePort();
  process.env.ARM_ENDPOINTS_ALLOWED = `https://127.0.0.1:${port}`;
  // No scheduled drift scans of the estate while its reads are measured: the estate is scanned
  // once, below, before them.
  process.env.DRIFT_SCAN_MINUTES = "off";
  app = await startApp({ databaseUrl });
  const tls = await ensureSandboxTls(path.join(app.dataDir, "sandbox", "tls"));
  // One endpoint for the ten services, as ARM is one (management.azure.com) for every instance
  // of a cloud: the app keeps one connection to it alive, not one per instance (bench/README.md,
  // "One ARM endpoint for the estate").
  const serviceNames = Array.from({ length: INSTANCES }, (_, i) => `estate-${i + 1}`);
  simulator = await startApimSimulator({
    dataDir: simulatorDir,
    seed: false,
    tls: { key: tls.keyPem, cert: tls.certPem },
    // Who may call the simulator is not what this benchmark measures.
    authenticate: async (authorization) => {
      if (!authorization?.startsWith("Bearer ")) throw new Error("a bearer token is required");
    },
    port,
    service: { serviceName: serviceNames[0] },
    moreServices: serviceNames.slice(1),
    pageSize: PAGE_SIZE,
  });
  const instanceIds: string[] = [];
  for (const [index, serviceName] of serviceNames.entries()) {
    await control("POST", "seed", {
      apis: APIS_PER_INSTANCE,
      prefix: `estate${index + 1}`,
      withPolicy: false,
      service: serviceName,
    });
    const registered = await app.rest<{ id: string }>("POST", "/instances", {
      name: serviceName,
      subscriptionId: simulator.subscriptionId,
      resourceGroup: simulator.resourceGroup,
      serviceName,
      armEndpoint: simulator.armEndpoint,
    });
    instanceIds.push(registered.id);
  }

  const figures: BenchFigure[] = [];
  const syncTimes: number[] = [];
  for (const [index, instanceId] of instanceIds.entries()) {
    await control("POST", "faults", { rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
    const started = performance.now();
    const synced = await app.rest<{ added: number; total: number }>("POST", `/instances/${instanceId}/sync`);
    syncTimes.push(performance.now() - started);
    await control("DELETE", "faults");
    if (synced.added !== APIS_PER_INSTANCE)
      throw new Error(`sync added ${synced.added} APIs, not ${APIS_PER_INSTANCE}`);
    console.log(`  sync of estate-${index + 1}: ${Math.round(syncTimes.at(-1)!)} ms, ${synced.total} APIs`);
  }
  const pages = Math.ceil(APIS_PER_INSTANCE / PAGE_SIZE);
  figures.push(
    figure(
      `sync of an instance with ${APIS_PER_INSTANCE} APIs (${pages} pages), ${LATENCY_MS} ms per ARM call (postgres): wall time`,
      "ms",
      syncTimes,
      { bound: pages * LATENCY_MS, timesBound: 1.2 },
    ),
  );

  await insertHistory(databaseUrl);
  const { browser, signedIn } = await signedInBrowser(app, "admin");
  const cookie = (await signedIn.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  await browser.close();
  await checkDriftOfEstate(app, cookie);
  let deepCursor = (await app.rest<{ nextCursor: string | null }>("GET", "/apis?limit=50")).nextCursor;
  for (let page = 2; page < 50 && deepCursor; page++)
    deepCursor = (await app.rest<{ nextCursor: string | null }>("GET", `/apis?limit=50&cursor=${deepCursor}`))
      .nextCursor;

  const reads: Array<[string, string, "console" | "rest"]> = [
    ["the APIs list, first page", "/apis", "console"],
    ["the APIs list, searching one name", "/apis?search=estate7-123", "console"],
    ["the APIs list of one instance", `/apis?instanceId=${instanceIds[4]}`, "console"],
    ["the overview", "/", "console"],
    ["REST GET /apis, first page", "/api/v1/apis?limit=50", "rest"],
    ["REST GET /apis, page 50", `/api/v1/apis?limit=50&cursor=${deepCursor}`, "rest"],
  ];
  for (const [what, url, channel] of reads) {
    const headers: Record<string, string> =
      channel === "console" ? { cookie } : { authorization: `Bearer ${app.token}` };
    const once = async () => {
      const started = performance.now();
      const response = await fetch(`${app!.baseUrl}${url}`, { headers, redirect: "manual" });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) await once();
    const p95s: number[] = [];
    for (let batch = 0; batch < BATCHES; batch++) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS_PER_BATCH; i++) times.push(await once());
      p95s.push(percentile(times, 95));
    }
    console.log(`  ${what}: p95 ${p95s.map((p) => Math.round(p)).join(", ")} ms`);
    figures.push(
      figure(`${what} at ${INSTANCES * APIS_PER_INSTANCE} APIs in ${INSTANCES} instances (postgres): p95`, "ms", p95s, {
        atMost: 150,
      }),
    );
  }
  printBenchResult(figures);
} finally {
  await app?.close();
  await simulator?.close();
  await rm(simulatorDir, { recursive: true, force: true });
  await dropScratchPostgresDatabase(databaseUrl);
}

/**
 * The overview's drift check (`/?drift=check`) scans every instance with deployments: the
 * history must read back as the app wrote it, and APIM holds what it says was applied.
 */
async function checkDriftOfEstate(running: RunningApp, cookie: string): Promise<void> {
  const started = performance.now();
  const response = await fetch(`${running.baseUrl}/?drift=check`, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  const inSync =
    html.includes("Every deployed API still matches what was last applied.") &&
    !html.includes("Some instances could not be checked.");
  if (response.status !== 200 || !inSync)
    throw new Error(`the drift check of the estate did not find every deployed API in sync (${response.status})`);
  console.log(`  drift check of the estate's deployed APIs: in sync, ${Math.round(performance.now() - started)} ms`);
}

/** A port free now, for the simulator started after the app. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function control(method: string, route: string, body?: unknown): Promise<void> {
  await sandboxRequest(
    app!.sandbox,
    method,
    `${simulator!.armEndpoint}/_sandbox/${route}`,
    body === undefined ? undefined : { type: "application/json", text: JSON.stringify(body) },
  );
}

/**
 * What an estate that has been managed for a while holds: 4 in 5 APIs with a profile version, a
 * plan and a deployment (1 in 50 failed, 1 in 100 conflicted), spread over the last 90 days. The
 * rows are what the app writes for the profile that enforces nothing on an API without a policy
 * (made by the app's own computePlan and appliedStateOf): an empty plan, and a success whose
 * result is the drift baseline, so the estate can be scanned for drift (it is all in sync).
 */
async function insertHistory(url: string): Promise<void> {
  const profile = accessProfileSchema.parse(profiles.none());
  const plan = computePlan({
    apimName: "any",
    instanceName: "any",
    profile,
    profileVersion: 1,
    adopt: false,
    live: { policy: null, backends: new Map(), namedValues: [] },
    owned: [],
    fingerprints: new Map(),
    tier: "dedicated",
  });
  if (plan.operations.length > 0) throw new Error("the estate's profile should need no ARM write");
  const result = appliedStateOf(plan.operations, plan.desired, new Map());
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE TEMP TABLE managed AS
        SELECT id AS api_id, gen_random_uuid() AS version_id, gen_random_uuid() AS plan_id,
               gen_random_uuid() AS deployment_id, row_number() OVER (ORDER BY apim_name) AS n,
               now() - random() * interval '90 days' AS at
        FROM apis WHERE apim_name LIKE 'estate%';
      DELETE FROM managed WHERE n % 5 = 0;`);
    await client.query(
      `INSERT INTO access_profile_versions (id, api_id, version, profile, created_at, created_by)
         SELECT version_id, api_id, 1, $1::jsonb, at, 'bench' FROM managed`,
      [JSON.stringify(profile)],
    );
    await client.query(
      `INSERT INTO plans (id, api_id, profile_version_id, operations, diff, desired_state, created_at, created_by)
         SELECT plan_id, api_id, version_id, $1::jsonb, $2::jsonb, $3::jsonb, at, 'bench' FROM managed`,
      [JSON.stringify(plan.operations), JSON.stringify(plan.diff), JSON.stringify(plan.desired)],
    );
    // A failed or conflicted deployment of an empty plan cannot happen in the app, but the lists
    // and the overview read only the status: these stand for ones that stopped at a step.
    await client.query(
      `INSERT INTO deployments (id, plan_id, api_id, status, error, result, started_at, finished_at, started_by)
         SELECT deployment_id, plan_id, api_id, status,
                CASE status WHEN 'failed' THEN $1::jsonb WHEN 'conflicted' THEN $2::jsonb END,
                CASE status WHEN 'succeeded' THEN $3::jsonb END,
                at, at + interval '2 seconds', 'bench'
         FROM (SELECT *, CASE WHEN n % 50 = 1 THEN 'failed' WHEN n % 100 = 2 THEN 'conflicted' ELSE 'succeeded' END
                 AS status FROM managed) AS m`,
      [
        JSON.stringify({ code: "step_failed", message: "Step 1 failed: the benchmark says so.", step: 1 }),
        JSON.stringify({ code: "conflicted", message: "Step 1 found APIM changed: the benchmark says so.", step: 1 }),
        JSON.stringify(result),
      ],
    );
    await client.query("ANALYZE");
  } finally {
    await client.end();
  }
}
