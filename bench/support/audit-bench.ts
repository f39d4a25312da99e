/**
 * The audit benchmarks' setting: a million events on PostgreSQL (the template of
 * audit-fixture.ts, built once and kept), Portcullis's audit use cases in this process on the
 * app's own database module (the pool and raw reader `npm start` uses), and the process's
 * resident memory sampled while they run.
 */
import { generateKeyPairSync } from "node:crypto";
import { setDb } from "../../lib/db";
import { postgresDatabase, POSTGRES_POOL_SIZE } from "../../lib/db/open-database";
import { dropScratchPostgresDatabase } from "../../test/support/test-database";
import { copyOfTemplate, ensureAuditTemplate } from "./audit-fixture";
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
  const template = await ensureAuditTemplate(EVENTS);
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

/** Peak resident memory while `work` runs, sampled every 10 ms, minus the resident memory just before. */
export async function withRss<T>(work: () => Promise<T>): Promise<{ result: T; overIdleMiB: number; idleMiB: number }> {
  global.gc?.();
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, overIdleMiB: (peak - idle) / 2 ** 20, idleMiB: idle / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}
