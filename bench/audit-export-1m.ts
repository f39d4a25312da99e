/**
 * Audit export (NDJSON, the verifiable format) of a million events on PostgreSQL, through the use
 * case REST `GET /audit/export` calls, read to the end as fast as the reader takes it:
 *
 *   npx tsx bench/audit-export-1m.ts [--runs=3] [--events=1000000]
 *
 * Goals (issue 12): ≥ 150,000 events/s; resident memory flat (≤ 100 MiB over the process before
 * the run). Runs on a copy of the template (an export appends its own event and checkpoint).
 */
import { exportAuditEvents } from "../lib/audit/export-audit-events";
import { systemContext } from "../lib/auth/system-context";
import { ROW_BATCH } from "../lib/audit/event-rows";
import { EVENTS, readRowsOnly, withAuditDatabase, withRss } from "./support/audit-bench";
import { figure, median, printBenchResult } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";

const RUNS = numberArgument("runs", 3);

const figures = await withAuditDatabase(true, async () => {
  const rates: number[] = [];
  const memory: number[] = [];
  const times: number[] = [];
  const readingTimes: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    // The lower bound, measured beside each run (the machine's load moves both alike).
    const reading = await withRss(() => readRowsOnly(ROW_BATCH));
    const started = performance.now();
    const { result, overIdleMiB, idleMiB, heapPeakMiB, externalPeakMiB, cpuMs, databaseCpuMs } = await withRss(
      async () => {
        const stream = await exportAuditEvents(systemContext(), {}, "ndjson");
        let bytes = 0;
        let newlines = 0;
        let firstByte = 0;
        const reader = stream.getReader();
        for (let read = await reader.read(); !read.done; read = await reader.read()) {
          const chunk = read.value;
          if (bytes === 0) firstByte = performance.now() - started;
          bytes += chunk.byteLength;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
        }
        return { bytes, newlines, firstByte };
      },
    );
    const ms = performance.now() - started;
    // Lines: header, checkpoints, then the events (the ones before the run and the exports' own).
    if (result.newlines < EVENTS) throw new Error(`the export has ${result.newlines} lines, fewer than ${EVENTS}`);
    rates.push((EVENTS / ms) * 1000);
    memory.push(overIdleMiB);
    times.push(ms);
    readingTimes.push(reading.result.ms);
    console.log(
      `  run ${run + 1}: ${result.newlines} lines, ${Math.round(result.bytes / 2 ** 20)} MiB in ${Math.round(ms)} ms = ${Math.round(rates.at(-1)!)} events/s (CPU an event: ${((cpuMs * 1000) / EVENTS).toFixed(2)} µs in this process, ${((databaseCpuMs * 1000) / EVENTS).toFixed(2)} µs in PostgreSQL); first byte ${Math.round(result.firstByte)} ms; RSS peak ${Math.round(overIdleMiB)} MiB over ${Math.round(idleMiB)} MiB, heap peak ${Math.round(heapPeakMiB)} MiB, external peak ${Math.round(externalPeakMiB)} MiB` +
        `\n         reading the rows alone: ${Math.round(reading.result.ms)} ms (${((reading.cpuMs * 1000) / EVENTS).toFixed(2)} µs CPU an event) → ${(ms / reading.result.ms).toFixed(2)}x`,
    );
  }
  return [
    figure(`audit export NDJSON, ${EVENTS} events (postgres): rate`, "events/s", rates, { atLeast: 150_000 }),
    figure(`audit export NDJSON, ${EVENTS} events (postgres): RSS peak over idle`, "MiB", memory, { atMost: 100 }),
    // Ours: the database writes the lines, two ranges at once, so exporting costs little more than reading the rows.
    figure(`audit export NDJSON, ${EVENTS} events (postgres): time vs reading the rows alone`, "ms", times, {
      timesBound: 1.5,
      bound: median(readingTimes),
    }),
  ];
});
printBenchResult(figures);
