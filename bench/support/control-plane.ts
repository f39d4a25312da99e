import { fork, spawn } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import inspector from "node:inspector/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import pg from "pg";
import type { FaultConfig } from "../../sandbox/apim";
import type { RequestLogEntry } from "../../sandbox/apim/controls/request-log";
import { sandboxAppEnvironment, type SandboxCoordinates } from "../../sandbox/sandbox-coordinates";
import type { StartSandboxOptions } from "../../sandbox/start-sandbox";
import { ensureSandboxTls } from "../../sandbox/tls/ensure-sandbox-tls";
import { systemContext } from "../../lib/auth/system-context";
import type { RequestContext } from "../../lib/auth/request-context";
import { setDb } from "../../lib/db";
import { POSTGRES_POOL_SIZE } from "../../lib/db/open-database";
import { createTestDatabase, testEngine } from "../../test/support/test-database";
import { limitConcurrency } from "../../lib/apim";
import { listApis } from "../../lib/apis/list-apis";
import { planAndApply, saveProfile } from "../../test/support/deployment-fixtures";
import type { AccessProfileInput } from "../../lib/policy";
import { configureApimClients } from "../../lib/apim/client-for-instance";
import { registerInstance } from "../../lib/instances/register-instance";
import { syncInstance } from "../../lib/instances/sync-instance";
import type { InstanceView } from "../../lib/instances/schemas";
import { cpuOfProcessesNamed, processStat } from "./process-cpu";
import { BENCH_RESULT_PREFIX, parseBenchResult, printBenchResult, type BenchFigure } from "./bench-result";

/**
 * The control plane for the deployment benchmarks, as in sandbox mode: a migrated database
 * (TEST_DB=pglite|postgres), Portcullis's use cases in this process acting as itself, and the
 * sandbox identity provider and APIM simulator over HTTPS in a process of their own — as
 * `npm start` runs them, and as real ARM is a remote service whose work is not Portcullis's.
 */
export interface ControlPlane {
  instance: InstanceView;
  /** The sandbox's coordinates (gateway URL, caller clients, model endpoint, …). */
  coordinates: SandboxCoordinates;
  ctx: RequestContext;
  engine: "pglite" | "postgres";
  setFaults(config: FaultConfig): Promise<void>;
  clearFaults(): Promise<void>;
  /** The simulator's request log after `since` (a sequence number), oldest first. */
  requests(since?: number): Promise<RequestLogEntry[]>;
  /**
   * Seeds `count` APIs named `<prefix>-1…` (with `operations` operations each, dealt in turn to
   * `products` products), syncs the instance once and returns their ids.
   */
  seedApis(count: number, prefix: string, options?: { operations?: number; products?: number }): Promise<string[]>;
  /**
   * Statements sent to the database so far, transaction control included: on PostgreSQL the pg
   * driver's queries, on PGlite the requests sent to its thread (each statement, each BEGIN,
   * COMMIT, ROLLBACK or script).
   */
  statements(): number;
  /**
   * With BENCH_STATEMENTS=1: the statements sent so far by their opening words
   * (e.g. `WITH created AS ( INSERT INTO plans`), so a run can say which ones an operation costs.
   */
  statementKinds(): ReadonlyMap<string, StatementKind>;
  /**
   * Runs `work` (a measured section); with BENCH_CPU_PROFILE=<dir> set, under a CPU profile of
   * this process written there (`<engine>-<n>.cpuprofile`), so a profile shows the measured
   * work only, not the setup around it.
   */
  profiled<T>(work: () => Promise<T>): Promise<T>;
  /**
   * CPU milliseconds used so far by the sandbox's process and, on PostgreSQL, by every PostgreSQL
   * process (bench/support/process-cpu.ts); null where this machine cannot tell. A run's difference
   * says what the machine's other work took beside Portcullis's.
   */
  otherCpu(): { sandboxMs: number | null; postgresMs: number | null };
}

/** See ControlPlane.statementKinds. */
export interface StatementKind {
  count: number;
}

const ENGINES = ["pglite", "postgres"] as const;

/**
 * Runs `main` with a control plane and prints its figures as the BENCH_RESULT line. Without
 * TEST_DB it runs once per database engine, each in a fresh process, and prints the figures of
 * both. Node reads NODE_EXTRA_CA_CERTS only when it starts, so the first process makes the
 * sandbox CA and runs the script again, trusting it.
 */
export async function benchmark(main: (plane: ControlPlane) => Promise<BenchFigure[]>): Promise<void> {
  if (!process.env.PORTCULLIS_BENCH_TLS_DIR) {
    const tlsDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-tls-"));
    try {
      const { caCertPath } = await ensureSandboxTls(tlsDir);
      const figures: BenchFigure[] = [];
      for (const engine of process.env.TEST_DB ? [testEngine()] : ENGINES) {
        const env = { NODE_EXTRA_CA_CERTS: caCertPath, PORTCULLIS_BENCH_TLS_DIR: tlsDir, TEST_DB: engine };
        const output = await runAgain(env);
        figures.push(...parseBenchResult(output).figures);
      }
      printBenchResult(figures);
    } finally {
      await rm(tlsDir, { recursive: true, force: true });
    }
    return;
  }

  // As sandbox mode does: a key signs the audit checkpoints (every 1,000 events), so the
  // benchmark measures that work, not an error logged on every check.
  process.env.AUDIT_SIGNING_KEY ??= generateKeyPairSync("ed25519")
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  const dataDir = await mkdtemp(path.join(tmpdir(), "portcullis-bench-"));
  const database = await createTestDatabase({ poolSize: POSTGRES_POOL_SIZE });
  const statements = database.engine === "postgres" ? countPostgresStatements() : countPgliteStatements();
  setDb({ prisma: database.prisma, close: () => database.close() });
  const sandbox = await startSandboxProcess({
    dataDir,
    appUrl: "http://localhost:3999",
    identityPort: 0,
    armPort: 0,
    roleNames: { admin: "Portcullis.Admin", reviewer: "Portcullis.Reviewer", reader: "Portcullis.Reader" },
    tlsDir: process.env.PORTCULLIS_BENCH_TLS_DIR,
    simulator: { lro: { polls: 0 } },
  });
  let closed = false;
  const closeAll = async () => {
    if (closed) return;
    closed = true;
    await sandbox.close();
    await database.close();
    await rm(dataDir, { recursive: true, force: true });
  };
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
      const send = () =>
        fetch(`${c.armEndpoint}/_sandbox/${route}`, {
          method,
          headers: { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      // After a long unmeasured setup the sandbox may have closed the kept-alive connection just
      // as it is reused ("other side closed"): the control routes used between runs are safe to send again.
      const response = await send().catch((error: unknown) => {
        if (route === "seed") throw error;
        return send();
      });
      if (!response.ok)
        throw new Error(`sandbox control ${method} ${route}: ${response.status} ${await response.text()}`);
      return response.status === 204 ? undefined : ((await response.json()) as unknown);
    };
    const figures = await main({
      instance,
      coordinates: c,
      ctx,
      engine: database.engine,
      setFaults: async (config) => void (await control("POST", "faults", config)),
      clearFaults: async () => void (await control("DELETE", "faults")),
      requests: async (since = 0) =>
        ((await control("GET", `requests?since=${since}&limit=1000000`)) as { requests: RequestLogEntry[] }).requests,
      seedApis: async (count, prefix, options = {}) => {
        const seeded = (await control("POST", "seed", { apis: count, prefix, ...options })) as { apis: string[] };
        const names = new Set(seeded.apis);
        await syncInstance(ctx, { instanceId: instance.id });
        const ids: string[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await listApis(ctx, { search: prefix, limit: 200, cursor });
          ids.push(...page.items.filter((api) => names.has(api.apimName)).map((api) => api.id));
          if (page.nextCursor === null) return ids;
          cursor = page.nextCursor;
        }
      },
      statements: () => statements.count,
      statementKinds: () => new Map([...statements.kinds].map(([kind, counted]) => [kind, { ...counted }])),
      profiled: cpuProfiler(database.engine),
      otherCpu: () => ({
        sandboxMs: processStat(sandbox.pid)?.cpuMs ?? null,
        postgresMs: database.engine === "postgres" ? cpuOfProcessesNamed("postgres") : null,
      }),
    });
    // Printed once the database is closed: a background checkpoint signing still running then logs
    // its error before the BENCH_RESULT line, which must be the last (it was not, now and then).
    await closeAll();
    printBenchResult(figures);
  } finally {
    await closeAll();
  }
}

/** Statements sent so far, and by kind (ControlPlane.statements, statementKinds). */
interface StatementCounter {
  readonly count: number;
  readonly kinds: Map<string, StatementKind>;
}

/**
 * Counts what the pg driver sends (every client of every pool calls Client#query), so a
 * benchmark can say how many statements an operation costs. Benchmark processes only.
 */
function countPostgresStatements(): StatementCounter {
  const counter = { count: 0, kinds: new Map<string, StatementKind>() };
  const byKind = process.env.BENCH_STATEMENTS === "1";
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counter.count += 1;
    if (byKind) {
      const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
      const kind = text.replace(/\s+/g, " ").trim().slice(0, 70);
      counter.kinds.set(kind, { count: (counter.kinds.get(kind)?.count ?? 0) + 1 });
    }
    return (query as (...all: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  return counter;
}

/**
 * Counts the statements sent to the embedded database's thread (lib/db/embedded-database.ts):
 * every caller — Prisma's adapter, the driver's prepared statements, transactions — reaches it
 * through the one worker's postMessage, one request per statement, transaction control and
 * script. Benchmark processes only.
 */
function countPgliteStatements(): StatementCounter {
  const counter = { count: 0, kinds: new Map<string, StatementKind>() };
  const byKind = process.env.BENCH_STATEMENTS === "1";
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
    const { op, text } = (message ?? {}) as { op?: string; text?: string };
    if (op === "statement" || op === "script" || op === "begin" || op === "end") {
      counter.count += 1;
      if (byKind) {
        const kind = (op === "begin" ? "BEGIN" : (text ?? "")).replace(/\s+/g, " ").trim().slice(0, 70);
        counter.kinds.set(kind, { count: (counter.kinds.get(kind)?.count ?? 0) + 1 });
      }
    }
    return (post as (...all: unknown[]) => void).call(this, message, ...rest);
  };
  return counter;
}

/** See ControlPlane.profiled. */
function cpuProfiler(engine: string): ControlPlane["profiled"] {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return (work) => work();
  let profiles = 0;
  return async (work) => {
    const session = new inspector.Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.start");
    try {
      return await work();
    } finally {
      const { profile } = await session.post("Profiler.stop");
      profiles += 1;
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${engine}-${profiles}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    }
  };
}

/** This script again with `env` added; its output is shown as it comes, except its result line, and returned. */
function runAgain(env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", ...env },
    });
    let output = "";
    let shown = 0;
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      // Whole lines only, so a result line split across chunks is still recognised.
      const end = output.lastIndexOf("\n") + 1;
      for (const line of output.slice(shown, end).split("\n").slice(0, -1))
        if (!line.startsWith(BENCH_RESULT_PREFIX)) process.stdout.write(`${line}\n`);
      shown = end;
    });
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`the ${env.TEST_DB} run exited with code ${code}`)),
    );
  });
}

/** The sandbox in its own process (sandbox/serve.ts, as `npm start` runs it); resolves once it listens. */
async function startSandboxProcess(
  options: StartSandboxOptions,
): Promise<{ coordinates: SandboxCoordinates; pid: number; close(): Promise<void> }> {
  const serve = fileURLToPath(new URL("../../sandbox/serve.ts", import.meta.url));
  // BENCH_SANDBOX_CPU_PROFILE=<dir>: a CPU profile of the sandbox's whole life (node --cpu-prof), written
  // there when it stops; its samples carry the same clock as BENCH_CPU_PROFILE's, so the measured part can be cut out.
  const profileDir = process.env.BENCH_SANDBOX_CPU_PROFILE;
  const child = fork(serve, [], {
    execArgv: ["--import", "tsx", ...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [])],
    env: { ...process.env, PORTCULLIS_SANDBOX_OPTIONS: JSON.stringify(options) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const coordinates = await new Promise<SandboxCoordinates>((resolve, reject) => {
    child.once("message", (message: { coordinates: SandboxCoordinates }) => resolve(message.coordinates));
    child.once("exit", (code) => reject(new Error(`the sandbox process exited with code ${code} before it was ready`)));
  });
  return {
    coordinates,
    pid: child.pid!,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
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
