/**
 * The benchmark contract (team brief): a benchmark prints, as its LAST line, `BENCH_RESULT `
 * followed by `{"figures":[…]}`. `npm run bench` (scripts/bench.ts) collects those lines into
 * one table. These helpers build the figures so every benchmark states its goal the same way:
 * a goal is decided on the MEDIAN of the runs, and the ratio is median / bound.
 */
import { z } from "zod";

export const benchFigureSchema = z.object({
  figure: z.string().min(1),
  unit: z.string().min(1),
  runs: z.array(z.number()).min(1),
  bound: z.number().nullable(),
  goal: z.string().min(1),
  ratio: z.number().nullable(),
  withinGoal: z.boolean(),
});
export const benchResultSchema = z.object({ figures: z.array(benchFigureSchema) });

export type BenchFigure = z.infer<typeof benchFigureSchema>;
export type BenchResult = z.infer<typeof benchResultSchema>;

export const BENCH_RESULT_PREFIX = "BENCH_RESULT ";

/** What a figure is measured against. */
export type Goal =
  /** A lower bound the measurement can only approach: median ≤ factor × bound. */
  | { timesBound: number; bound: number }
  /** Exactly a known minimum (ARM calls): median = bound. */
  | { equalsBound: number }
  /**
   * Between a known minimum and a ceiling: ARM calls some of which are shared with others in
   * flight (lib/apim/coalesced-reads.ts), so how many are sent depends on timing. bound ≤ median ≤ atMost.
   */
  | { atLeastBound: number; atMost: number }
  | { atMost: number }
  | { atLeast: number };

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("no runs to take the median of");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The value at percentile `p` (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("no values to take a percentile of");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function figure(name: string, unit: string, runs: readonly number[], goal: Goal): BenchFigure {
  const m = median(runs);
  const base = { figure: name, unit, runs: runs.map((run) => Number(run.toFixed(3))) };
  if ("timesBound" in goal) {
    const ratio = m / goal.bound;
    return {
      ...base,
      bound: goal.bound,
      goal: `≤ ${goal.timesBound}× bound`,
      ratio: round(ratio),
      withinGoal: ratio <= goal.timesBound,
    };
  }
  if ("equalsBound" in goal) {
    return {
      ...base,
      bound: goal.equalsBound,
      goal: "= bound",
      ratio: goal.equalsBound === 0 ? null : round(m / goal.equalsBound),
      withinGoal: m === goal.equalsBound,
    };
  }
  if ("atLeastBound" in goal) {
    return {
      ...base,
      bound: goal.atLeastBound,
      goal: `≥ bound, ≤ ${goal.atMost}`,
      ratio: goal.atLeastBound === 0 ? null : round(m / goal.atLeastBound),
      withinGoal: m >= goal.atLeastBound && m <= goal.atMost,
    };
  }
  if ("atMost" in goal)
    return { ...base, bound: null, goal: `≤ ${goal.atMost}`, ratio: null, withinGoal: m <= goal.atMost };
  return { ...base, bound: null, goal: `≥ ${goal.atLeast}`, ratio: null, withinGoal: m >= goal.atLeast };
}

/** Prints the result line; call it last, after everything else the benchmark prints. */
export function printBenchResult(figures: readonly BenchFigure[]): void {
  console.log(`${BENCH_RESULT_PREFIX}${JSON.stringify({ figures: [...figures] } satisfies BenchResult)}`);
}

/**
 * The figures in a benchmark's output. Throws, saying why, when the last line is not a result
 * line or does not follow the contract.
 */
export function parseBenchResult(output: string): BenchResult {
  const last = output.trimEnd().split("\n").at(-1) ?? "";
  if (!last.startsWith(BENCH_RESULT_PREFIX))
    throw new Error(`the last line of its output is not a ${BENCH_RESULT_PREFIX.trim()} line`);
  let json: unknown;
  try {
    json = JSON.parse(last.slice(BENCH_RESULT_PREFIX.length));
  } catch (error) {
    throw new Error(`its ${BENCH_RESULT_PREFIX.trim()} line is not JSON: ${(error as Error).message}`);
  }
  const parsed = benchResultSchema.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `its ${BENCH_RESULT_PREFIX.trim()} line does not follow the contract: ${parsed.error.issues
        .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
        .join("; ")}`,
    );
  return parsed.data;
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
