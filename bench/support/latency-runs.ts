import type { ControlPlane } from "./control-plane";

/**
 * The measuring loop of a benchmark whose work reads ARM. First one run not measured, so the runs
 * measure a process that has done the work before (as a server has), not the compilation of its
 * code on first use. Then `runs` times, `latencyMs` on every ARM call, `work` timed alone (under the CPU profile when one is asked for), then `check` on its
 * result and the simulator's count of calls compared with the one the work reports itself, so a
 * figure never stands on a run that did less than it claims.
 */
export async function latencyRuns<T>(
  plane: ControlPlane,
  options: {
    runs: number;
    latencyMs: number;
    /** What the work is, for the error when its count of ARM calls is not the simulator's ("the scan"). */
    name: string;
    armCalls: (result: T) => number;
    check: (result: T) => void;
  },
  work: () => Promise<T>,
): Promise<{ wallTimes: number[]; callCounts: number[] }> {
  await work();
  const wallTimes: number[] = [];
  const callCounts: number[] = [];
  for (let run = 1; run <= options.runs; run++) {
    await plane.setFaults({ rules: [{ kind: "latency", ms: options.latencyMs, jitterMs: 0, rate: 1 }] });
    const since = (await plane.requests()).at(-1)?.seq ?? 0;
    const started = performance.now();
    const result = await plane.profiled(work);
    const wallMs = performance.now() - started;
    await plane.clearFaults();

    options.check(result);
    const calls = (await plane.requests(since)).length;
    const counted = options.armCalls(result);
    if (calls !== counted) throw new Error(`the simulator saw ${calls} calls, ${options.name} counted ${counted}`);
    wallTimes.push(wallMs);
    callCounts.push(calls);
    console.log(`  run ${run} (${plane.engine}): wall time ${Math.round(wallMs)} ms, ${calls} ARM calls`);
  }
  return { wallTimes, callCounts };
}
