/**
 * Audit chain verification at a million events on PostgreSQL, through the use case REST
 * `GET /audit/verify` calls (verifyAuditHistory), in this process on the app's database module:
 *
 *   npx tsx bench/audit-verify-1m.ts [--runs=3] [--events=1000000]
 *
 * Goals (issue 12): ≥ 200,000 events/s; resident memory flat (≤ 100 MiB over the process before
 * the run). Same-process baseline: the previous implementation (Prisma rows, 1,000 a query, the
 * canonicalize package and createHash, no overlap) over the first 100,000 events.
 */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { verifyAuditHistory } from "../lib/audit/verify-audit-history";
import { toHashedFields } from "../lib/audit/stored-event";
import { systemContext } from "../lib/auth/system-context";
import { getDb } from "../lib/db";
import { ROW_BATCH } from "../lib/audit/event-rows";
import { EVENTS, readRowsOnly, withAuditDatabase, withRss } from "./support/audit-bench";
import { figure, median, printBenchResult } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";

const RUNS = numberArgument("runs", 3);
const BASELINE_EVENTS = Math.min(100_000, EVENTS);

const figures = await withAuditDatabase(false, async () => {
  const ctx = systemContext();
  const rates: number[] = [];
  const memory: number[] = [];
  const times: number[] = [];
  const readingTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // The lower bound, measured beside each run (the machine's load moves both alike).
    const reading = await withRss(() => readRowsOnly(ROW_BATCH));
    const started = performance.now();
    const { result, overIdleMiB, idleMiB, heapPeakMiB, cpuMs, databaseCpuMs } = await withRss(() =>
      verifyAuditHistory(ctx),
    );
    const ms = performance.now() - started;
    if (!result.ok || result.eventsChecked !== EVENTS)
      throw new Error(`verification did not pass over ${EVENTS} events: ${JSON.stringify(result)}`);
    rates.push((EVENTS / ms) * 1000);
    memory.push(overIdleMiB);
    times.push(ms);
    readingTimes.push(reading.result.ms);
    console.log(
      `  run ${run + 1}: ${EVENTS} events verified in ${Math.round(ms)} ms = ${Math.round(rates.at(-1)!)} events/s (CPU an event: ${((cpuMs * 1000) / EVENTS).toFixed(2)} µs in this process, ${((databaseCpuMs * 1000) / EVENTS).toFixed(2)} µs in PostgreSQL); RSS peak ${Math.round(overIdleMiB)} MiB over ${Math.round(idleMiB)} MiB, heap peak ${Math.round(heapPeakMiB)} MiB` +
        `\n         reading the rows alone: ${Math.round(reading.result.ms)} ms (${((reading.cpuMs * 1000) / EVENTS).toFixed(2)} µs CPU an event) → ${(ms / reading.result.ms).toFixed(2)}x`,
    );
  }
  const baselineStarted = performance.now();
  await previousVerification(BASELINE_EVENTS);
  const baseline = (BASELINE_EVENTS / (performance.now() - baselineStarted)) * 1000;
  console.log(
    `  baseline (previous implementation, first ${BASELINE_EVENTS} events): ${Math.round(baseline)} events/s`,
  );
  console.log(`  ratio to the baseline: ${(median(rates) / baseline).toFixed(2)}x`);
  return [
    figure(`audit verification, ${EVENTS} events (postgres): rate`, "events/s", rates, { atLeast: 200_000 }),
    figure(`audit verification, ${EVENTS} events (postgres): RSS peak over idle`, "MiB", memory, { atMost: 100 }),
    // Ours: the database hashes the rows where they are, so verifying costs little more than reading them.
    figure(`audit verification, ${EVENTS} events (postgres): time vs reading the rows alone`, "ms", times, {
      timesBound: 1.5,
      bound: median(readingTimes),
    }),
  ];
});
printBenchResult(figures);

/** The verification as it was before this benchmark's work, hashing only. */
async function previousVerification(events: number): Promise<void> {
  let next = 1n;
  for (let seen = 0; seen < events;) {
    const rows = await getDb().auditEvent.findMany({
      where: { seq: { gte: next } },
      orderBy: { seq: "asc" },
      take: 1000,
    });
    for (const row of rows) {
      const hash = createHash("sha256")
        .update(canonicalize(toHashedFields(row))!, "utf8")
        .digest("hex");
      if (hash !== row.hash) throw new Error(`baseline: event ${row.seq} does not verify`);
      next = row.seq + 1n;
    }
    seen += rows.length;
    if (rows.length < 1000) break;
  }
}
