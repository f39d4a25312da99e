import { median, type BenchFigure } from "./bench-result";

/** One benchmark's outcome in a `npm run bench` run: its figures, or why it produced none. */
export type BenchOutcome = { bench: string; figures: BenchFigure[] } | { bench: string; error: string };

/**
 * The closing table of `npm run bench`, in Markdown so it can be pasted into bench/README.md:
 * figure, measured (min / median / max of the runs), bound, goal, ratio (median / bound) and
 * whether the median is within the goal. A benchmark that failed gets a row saying why.
 */
export function resultsTable(outcomes: readonly BenchOutcome[]): string {
  const header = ["benchmark", "figure", "measured min / median / max", "bound", "goal", "ratio", "within goal"];
  const rows: string[][] = [];
  for (const outcome of outcomes) {
    if ("error" in outcome) {
      rows.push([outcome.bench, "(no result)", "—", "—", "—", "—", `FAILED: ${outcome.error}`]);
      continue;
    }
    for (const figure of outcome.figures) {
      const { runs, unit } = figure;
      rows.push([
        outcome.bench,
        figure.figure,
        `${[Math.min(...runs), median(runs), Math.max(...runs)].map(formatNumber).join(" / ")} ${unit} (${runs.length} ${runs.length === 1 ? "run" : "runs"})`,
        figure.bound === null ? "—" : `${formatNumber(figure.bound)} ${unit}`,
        figure.goal,
        figure.ratio === null ? "—" : `${figure.ratio.toFixed(2)}×`,
        figure.withinGoal ? "yes" : "NO",
      ]);
    }
  }
  const escape = (cell: string) => cell.replaceAll("|", "\\|");
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.map(escape).join(" | ")} |`).join("\n");
}

/** `n of m figures within goal`, and how many benchmarks failed, for the last line of the run. */
export function resultsSummary(outcomes: readonly BenchOutcome[]): string {
  const figures = outcomes.flatMap((outcome) => ("figures" in outcome ? outcome.figures : []));
  const failed = outcomes.filter((outcome) => "error" in outcome).length;
  const within = figures.filter((figure) => figure.withinGoal).length;
  return `${within} of ${figures.length} figures within goal; ${failed} of ${outcomes.length} benchmarks failed`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}
