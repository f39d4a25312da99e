/**
 * A change set adding one client application to 200 APIs with 50 ms of latency on every ARM call:
 * making the set (each API's profile edited, saved and planned) and applying it, both at the
 * change sets' concurrency (CHANGE_SET_CONCURRENCY, 16). Wall time is compared with the lower
 * bound the calls' dependency order allows, and ARM calls with the minimum.
 *
 *   npx tsx bench/change-set-200.ts [--latency=50] [--runs=3]
 */
import { CHANGE_SET_CONCURRENCY } from "../lib/change-sets/concurrency";
import { createChangeSet } from "../lib/change-sets/create-change-set";
import { getChangeSet } from "../lib/change-sets/get-change-set";
import { startChangeSetApply } from "../lib/change-sets/start-change-set-apply";
import { profiles } from "../test/support/deployment-fixtures";
import { figure } from "./support/bench-result";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";
import { machineCpu, machineCpuLine } from "./support/process-cpu";

const APIS = 200;
const LATENCY_MS = numberArgument("latency", 50);
const runs = numberArgument("runs", 3);

await benchmark(async (plane) => {
  const { ctx } = plane;
  const ids = await plane.seedApis(APIS, "bench-set");
  // Not measured: every API at profile version 1, applied.
  await deployEach(plane, ids, profiles.headerKey());

  const wallTimes: number[] = [];
  const callCounts: number[] = [];
  for (let run = 1; run <= runs; run++) {
    const clientApplicationId = `33333333-2222-3333-4444-${String(run).padStart(12, "0")}`;
    await plane.setFaults({ rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
    const since = (await plane.requests()).at(-1)?.seq ?? 0;
    const statementsBefore = plane.statements();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const { set, planned, applied, statementsToMake, cpuToMake } = await plane.profiled(async () => {
      const set = await createChangeSet(ctx, {
        apiIds: ids,
        change: { op: "addClientApplication", clientApplicationId },
      });
      const planned = performance.now();
      const statementsToMake = plane.statements();
      const cpuToMake = process.cpuUsage(cpuBefore);
      const { run: apply } = await startChangeSetApply(ctx, { changeSetId: set.id });
      await apply();
      return { set, planned, applied: performance.now(), statementsToMake, cpuToMake };
    });
    const statementsAfter = plane.statements();
    const cpu = process.cpuUsage(cpuBefore);
    const machine = machineCpuLine(machineBefore, machineCpu());
    const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;
    const wallMs = applied - started;
    await plane.clearFaults();

    const result = await getChangeSet(ctx, { changeSetId: set.id });
    if (result.progress.counts.succeeded !== APIS)
      throw new Error(`not every API succeeded: ${JSON.stringify(result.progress.counts)}`);
    const calls = (await plane.requests(since)).length;
    wallTimes.push(wallMs);
    callCounts.push(calls);
    console.log(
      `  run ${run} (${plane.engine}): wall time ${Math.round(wallMs)} ms (make the set ${Math.round(planned - started)} ms, apply ${Math.round(applied - planned)} ms), ${calls} ARM calls, Portcullis CPU: make ${Math.round(cpuMs(cpuToMake))} ms, apply ${Math.round(cpuMs(cpu) - cpuMs(cpuToMake))} ms, statements: make ${statementsToMake - statementsBefore} apply ${statementsAfter - statementsToMake}${machine}`,
    );
  }

  // Per API the plan reads, in one round, its policy (the live state and the effective-access check
  // share the request), the API, its products and its operations (none of these APIs has products
  // or operations: no dependent reads); the apply writes the policy: 5 calls, 2 rounds. The service,
  // its global policy, named values and backends are read once for the whole set, beside the first
  // APIs' reads. Both halves run CHANGE_SET_CONCURRENCY APIs at once. The bound holds whether or
  // not the halves overlap: an API's write needs the ETag its read returned, so each API holds one
  // of the 16 places for at least two rounds, and 200 APIs in 16 places put 13 in one of them
  // (made then applied: each half is at least 13 rounds).
  const minimumCalls = 5 * APIS + 4;
  const lowerBoundMs = Math.ceil(APIS / CHANGE_SET_CONCURRENCY) * 2 * LATENCY_MS;
  const what = `change set adding a client application to ${APIS} APIs, ${CHANGE_SET_CONCURRENCY} in flight, ${LATENCY_MS} ms per ARM call (${plane.engine})`;
  return [
    figure(`${what}: wall time`, "ms", wallTimes, { bound: lowerBoundMs, timesBound: 1.5 }),
    figure(`${what}: ARM calls`, "calls", callCounts, { equalsBound: minimumCalls }),
  ];
});
