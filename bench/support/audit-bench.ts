/**
 * The audit benchmarks' setting: a million events on PostgreSQL (the template of
 * audit-fixture.ts, built once, in a process of its own, and kept), Portcullis's audit use cases
 * in this process on the app's own database module (the pool and raw reader `npm start` uses),
 * and the process's resident memory sampled while they run.
 */
import { fork } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { eventBatches } from "../../lib/audit/event-rows";
import { getDb, setDb } from "../../lib/db";
import { postgresDatabase, POSTGRES_POOL_SIZE } from "../../lib/db/open-database";
import { dropScratchPostgresDatabase } from "../../test/support/test-database";
import { copyOfTemplate } from "./audit-fixture";
import { numberArgument } from "./control-plane";

export const EVENTS = numberArgument("events", 1_000_000);

// Exports sign a checkpoint: a key of this process's own, as sandbox mode generates one.
process.env.AUDIT_SIGNING_KEY ??= generateKeyPairSync("ed25519")
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();

/**
 * Runs `main` against the million-event database: the template itself when `writes` is false
 * (nothing is appended), else a fresh copy of it, dropped afterwards.
 */
export async function withAuditDatabase<T>(writes: boolean, main: (url: string) => Promise<T>): Promise<T> {
  const started = performance.now();
  const template = await fixtureTemplate();
  console.log(
    `  ${EVENTS} events in ${template.name}: ${template.built ? "built" : "reused"} in ${Math.round(performance.now() - started)} ms`,
  );
  const url = writes ? await copyOfTemplate(template.name) : template.url;
  const database = postgresDatabase(url, POSTGRES_POOL_SIZE);
  setDb(database);
  try {
    return await main(url);
  } finally {
    setDb(undefined);
    await database.close();
    if (writes) await dropScratchPostgresDatabase(url);
  }
}

/** The template of EVENTS events, found or built by build-audit-template.ts in a child process. */
async function fixtureTemplate(): Promise<{ url: string; name: string; built: boolean }> {
  const child = fork(fileURLToPath(new URL("./build-audit-template.ts", import.meta.url)), [`--events=${EVENTS}`], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let template: { url: string; name: string; built: boolean } | undefined;
  child.on("message", (message: typeof template) => (template = message));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0 || !template) throw new Error(`building the audit fixture failed (exit code ${code})`);
  return template;
}

/**
 * Peak resident memory and heap while `work` runs, sampled every 10 ms, minus the resident memory
 * just before; and the CPU time this process spent (all its threads: the driver, hashing, GC), which
 * the machine's load changes far less than the wall time.
 */
export async function withRss<T>(work: () => Promise<T>): Promise<{
  result: T;
  overIdleMiB: number;
  idleMiB: number;
  heapPeakMiB: number;
  /** Peak of memory outside the JS heap that V8 knows of (ArrayBuffers: socket reads, encoded chunks). */
  externalPeakMiB: number;
  cpuMs: number;
  databaseCpuMs: number;
}> {
  global.gc?.();
  const idle = process.memoryUsage.rss();
  let peak = idle;
  let heapPeak = process.memoryUsage().heapUsed;
  let externalPeak = process.memoryUsage().external;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
    const usage = process.memoryUsage();
    heapPeak = Math.max(heapPeak, usage.heapUsed);
    externalPeak = Math.max(externalPeak, usage.external);
  };
  const timer = setInterval(sample, 10);
  const cpu = process.cpuUsage();
  const databaseCpu = postgresCpuMs();
  try {
    const result = await work();
    sample();
    const used = process.cpuUsage(cpu);
    return {
      result,
      overIdleMiB: (peak - idle) / 2 ** 20,
      idleMiB: idle / 2 ** 20,
      heapPeakMiB: heapPeak / 2 ** 20,
      externalPeakMiB: externalPeak / 2 ** 20,
      cpuMs: (used.user + used.system) / 1000,
      databaseCpuMs: postgresCpuMs() - databaseCpu,
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * CPU time (user + system) of every PostgreSQL process on this machine, from /proc: verification
 * and export now do most of their work in the database, and its CPU per event says what the
 * machine's load hides (other engineers' databases count too: a quiet machine is still needed).
 */
function postgresCpuMs(): number {
  let ticks = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks * 10;
}

/**
 * The lower bound of reading the history in this process: every event's row fetched as
 * verification and export fetch them (the same keyset batches, the next one requested before
 * this one is handed out), and nothing done with it.
 */
export async function readRowsOnly(batch: number): Promise<{ events: number; ms: number }> {
  const started = performance.now();
  let events = 0;
  for await (const rows of eventBatches(getDb(), { after: 0n }, batch)) events += rows.length;
  return { events, ms: performance.now() - started };
}
