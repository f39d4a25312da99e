/**
 * `npm run bench` runs every benchmark in bench/ (or those named: `npm run bench -- apply-200`),
 * one after another, and ends with one table of their figures. Options starting with `--` are
 * passed to every benchmark (e.g. `--runs=3`). Each benchmark prints its own progress and, as
 * its last line, its BENCH_RESULT (bench/support/bench-result.ts). The load average before and
 * after each one is printed too, and the share of the machine's CPU time stolen by the host: the
 * machine is shared, and a loaded machine or host slows everything.
 * Exits 1 when a benchmark failed; a figure outside its goal is reported, not a failure.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseBenchResult } from "../bench/support/bench-result";
import { machineCpu, machineCpuLine } from "../bench/support/process-cpu";
import { resultsSummary, resultsTable, type BenchOutcome } from "../bench/support/results-table";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = path.join(root, "bench");
const args = process.argv.slice(2);
const names = args.filter((arg) => !arg.startsWith("--"));
const options = args.filter((arg) => arg.startsWith("--"));

const all = readdirSync(benchDir)
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts"))
  .map((file) => file.slice(0, -".ts".length))
  .sort();
const chosen = names.length === 0 ? all : all.filter((bench) => names.some((name) => matches(bench, name)));
const unknown = names.filter((name) => !all.some((bench) => matches(bench, name)));
if (unknown.length > 0) {
  console.error(`No benchmark is called ${unknown.join(", ")}. The benchmarks are: ${all.join(", ")}.`);
  process.exit(2);
}

const cpus = os.cpus();
console.log(
  `Machine: ${cpus[0]?.model ?? "unknown CPU"} x ${cpus.length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
const outcomes: BenchOutcome[] = [];
const loads: string[] = [];
for (const bench of chosen) {
  const before = load();
  console.log(`\n== ${bench} (load average ${before})`);
  const started = performance.now();
  const cpuBefore = machineCpu();
  const { code, output } = await run(path.join(benchDir, `${bench}.ts`), options);
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const cpuAfter = machineCpu();
  loads.push(`${bench}: ${before} → ${load()} (${seconds} s${machineCpuLine(cpuBefore, cpuAfter)})`);
  if (code !== 0) {
    outcomes.push({ bench, error: `exited with code ${code}` });
    continue;
  }
  try {
    outcomes.push({ bench, figures: parseBenchResult(output).figures });
  } catch (error) {
    outcomes.push({ bench, error: (error as Error).message });
  }
}

console.log(`\n${resultsTable(outcomes)}\n`);
// Stolen: the time the hypervisor gave this virtual machine's CPUs to others, which no process here sees.
console.log("Load average (1, 5, 15 min) before → after each benchmark, and what the machine's CPU time went to:");
for (const line of loads) console.log(`  ${line}`);
console.log(resultsSummary(outcomes));
process.exit(outcomes.some((outcome) => "error" in outcome) ? 1 : 0);

/** `apply-200` names `deployments-apply-200`: a whole name, or the end of one after a dash. */
function matches(bench: string, name: string): boolean {
  return bench === name || bench.endsWith(`-${name}`);
}

function load(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(", ");
}

/** Runs one benchmark with tsx, showing its output as it comes and keeping stdout to parse. */
function run(file: string, benchOptions: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file, ...benchOptions], {
      cwd: root,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}
