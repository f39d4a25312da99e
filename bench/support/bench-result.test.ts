import { describe, expect, it } from "vitest";
import { BENCH_RESULT_PREFIX, figure, median, parseBenchResult, percentile } from "./bench-result";
import { resultsSummary, resultsTable } from "./results-table";

describe("median and percentile", () => {
  it("take the middle run, or the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow("no runs");
  });

  it("take the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
  });
});

describe("figure", () => {
  it("decides a bound goal on the median and states the ratio to the bound", () => {
    const within = figure("wall", "ms", [1700, 1500, 1560], { bound: 1300, timesBound: 1.2 });
    expect(within).toMatchObject({ bound: 1300, goal: "≤ 1.2× bound", ratio: 1.2, withinGoal: true });
    const outside = figure("wall", "ms", [1700, 1570, 1400], { bound: 1300, timesBound: 1.2 });
    expect(outside).toMatchObject({ ratio: 1.208, withinGoal: false });
  });

  it("requires exactly the bound for an equals goal", () => {
    expect(figure("calls", "calls", [600, 600], { equalsBound: 600 })).toMatchObject({ ratio: 1, withinGoal: true });
    expect(figure("calls", "calls", [601, 601], { equalsBound: 600 }).withinGoal).toBe(false);
  });

  it("requires a figure between its bound and its ceiling for a range goal", () => {
    const range = { atLeastBound: 1004, atMost: 1800 };
    expect(figure("calls", "calls", [1100, 1130, 1090], range)).toMatchObject({
      bound: 1004,
      goal: "≥ bound, ≤ 1800",
      ratio: 1.096,
      withinGoal: true,
    });
    expect(figure("calls", "calls", [1003, 1003], range).withinGoal).toBe(false);
    expect(figure("calls", "calls", [1801, 1801], range).withinGoal).toBe(false);
  });

  it("states absolute goals without a bound or ratio", () => {
    expect(figure("p95", "ms", [40, 160, 30], { atMost: 150 })).toMatchObject({
      bound: null,
      goal: "≤ 150",
      ratio: null,
      withinGoal: true,
    });
    expect(figure("rate", "events/s", [150_000, 210_000, 190_000], { atLeast: 200_000 }).withinGoal).toBe(false);
  });
});

describe("parseBenchResult", () => {
  const line = `${BENCH_RESULT_PREFIX}${JSON.stringify({ figures: [figure("x", "ms", [1], { atMost: 2 })] })}`;

  it("reads the figures of the last line", () => {
    expect(parseBenchResult(`progress\n${line}\n`).figures[0]).toMatchObject({ figure: "x", runs: [1] });
  });

  it("says why when the last line is not a result that follows the contract", () => {
    expect(() => parseBenchResult(`${line}\nlater output`)).toThrow("the last line of its output is not");
    expect(() => parseBenchResult(`${BENCH_RESULT_PREFIX}{nope`)).toThrow("is not JSON");
    expect(() => parseBenchResult(`${BENCH_RESULT_PREFIX}{"figures":[{"figure":"x"}]}`)).toThrow(
      /does not follow the contract: figures\.0\.unit/,
    );
  });
});

describe("resultsTable", () => {
  it("shows min / median / max, the goal and the verdict of each figure, and a failed benchmark's reason", () => {
    const table = resultsTable([
      {
        bench: "deployments-apply-200",
        figures: [figure("wall | time", "ms", [1500, 1400.5, 2000], { bound: 1300, timesBound: 1.2 })],
      },
      { bench: "broken", error: "exited with code 1" },
    ]);
    const lines = table.split("\n");
    expect(lines[0]).toBe("| benchmark | figure | measured min / median / max | bound | goal | ratio | within goal |");
    expect(lines[2]).toBe(
      "| deployments-apply-200 | wall \\| time | 1401 / 1500 / 2000 ms (3 runs) | 1300 ms | ≤ 1.2× bound | 1.15× | yes |",
    );
    expect(lines[3]).toBe("| broken | (no result) | — | — | — | — | FAILED: exited with code 1 |");
  });

  it("sums up figures within goal and failed benchmarks", () => {
    const summary = resultsSummary([
      { bench: "a", figures: [figure("x", "ms", [1], { atMost: 2 }), figure("y", "ms", [3], { atMost: 2 })] },
      { bench: "b", error: "exited with code 1" },
    ]);
    expect(summary).toBe("1 of 2 figures within goal; 1 of 2 benchmarks failed");
  });
});
