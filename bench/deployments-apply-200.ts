/**
 * Apply a profile change to 200 APIs with 50 ms of latency on every ARM call, at most
 * `--concurrency` APIs in flight. Wall time is compared with the lower bound the calls'
 * dependency order allows (per API: read the policy, the named values and the other scopes at
 * once, then write the policy: two round trips), and ARM calls with the minimum a per-API plan needs
 * when the instance-wide reads in flight are shared (lib/apim/coalesced-reads.ts) and the count
 * with no sharing at all.
 * Each of the `--runs` applies a new profile version (saved beforehand, not measured). Each run
 * also says what the machine's CPU went to per API: this process (Portcullis), the sandbox's and,
 * on PostgreSQL, the database server's — the three share the machine's cores —, and how long the
 * apply's ARM calls alone take in the same minutes (bench/support/arm-calls-alone.ts; before the
 * apply in odd runs, after it in even ones): a baseline that shows how much of the distance to the
 * lower bound is Portcullis's own work and how much the machine's. The baseline is printed, not a
 * figure with a goal: the goal stays the lower bound. So is what the machine's CPU time went to
 * in the run, stolen by the host included (a virtual machine's steal: no process here sees it).
 *
 *   npx tsx bench/deployments-apply-200.ts [--concurrency=16] [--latency=50] [--runs=5] [--profile=DIR]
 *
 * `--profile=DIR`: where each API's apply waits (bench/support/wait-profile.ts): a summary per
 * run, and every API's timeline (ARM calls, statements, connection and audit chain waits) in
 * DIR/<engine>-<run>.json.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { limitConcurrency } from "../lib/apim";
import { configureApimClients } from "../lib/apim/client-for-instance";
import { createPlan } from "../lib/deployments/create-plan";
import { startDeployment } from "../lib/deployments/start-deployment";
import { instanceWideReadOf } from "../test/support/apim/instance-wide-reads";
import { profiles, saveProfile } from "../test/support/deployment-fixtures";
import { accessProfileSchema } from "../lib/policy/profile-schema";
import { armCallsAlone } from "./support/arm-calls-alone";
import { figure, median } from "./support/bench-result";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";
import { machineCpu, machineCpuLine } from "./support/process-cpu";
import { WaitProfile } from "./support/wait-profile";

const APIS = 200;
/** A plan's reads of the API itself (the API, its products, its policy, its operations) and of the whole instance. */
const PER_API_OWN = 4;
const INSTANCE_WIDE = 4;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 16);
const runs = numberArgument("runs", 5);
const profileDir = process.argv.find((arg) => arg.startsWith("--profile="))?.slice("--profile=".length);

await benchmark(async (plane) => {
  const { ctx } = plane;
  const profile = profileDir === undefined ? null : new WaitProfile();
  if (profile) {
    await mkdir(profileDir!, { recursive: true });
    configureApimClients({ pollIntervalMs: 10, httpClient: profile.armTransport() });
  }
  const traced = <T>(id: string, queued: number, work: () => Promise<T>) =>
    profile ? profile.unit(id, queued, work) : work();
  const phase = <T>(name: string, work: () => Promise<T>) => (profile ? profile.phase(name, work) : work());
  const ids = await plane.seedApis(APIS, "bench-apply");
  const apimNames = Array.from({ length: APIS }, (_, index) => `bench-apply-${index + 1}`);
  // Not measured: every API at profile version 1.
  await deployEach(plane, ids, profiles.headerKey());

  const wallTimes: number[] = [];
  const callCounts: number[] = [];
  const ownCallCounts: number[] = [];
  const aloneTimes: number[] = [];
  for (let run = 1; run <= runs; run++) {
    // Not measured: the next version (another client application) saved for every API.
    const client = `22222222-2222-3333-4444-${String(run).padStart(12, "0")}`;
    for (const id of ids) await saveProfile(ctx, id, profiles.headerKey(client));

    await plane.setFaults({ rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
    const armAlone = () =>
      armCallsAlone(plane.instance, apimNames, accessProfileSchema.parse(profiles.headerKey(client)), concurrency);
    if (run % 2 === 1) aloneTimes.push(await armAlone());
    const since = (await plane.requests()).at(-1)?.seq ?? 0;
    const limit = limitConcurrency(concurrency);
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const othersBefore = plane.otherCpu();
    const machineBefore = machineCpu();
    const statementsBefore = plane.statements();
    const kindsBefore = plane.statementKinds();
    await profile?.startRun();
    const deployments = await plane.profiled(() =>
      Promise.all(
        ids.map((apiId) => {
          const queued = performance.now();
          return limit(() =>
            traced(apiId, queued, async () => {
              const plan = await phase("plan", () => createPlan(ctx, { apiId }));
              const { run } = await phase("start", () => startDeployment(ctx, { planId: plan.id }));
              return phase("run", run);
            }),
          );
        }),
      ),
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const othersAfter = plane.otherCpu();
    const machine = machineCpuLine(machineBefore, machineCpu());
    const statementsAfter = plane.statements();
    const sent = await plane.requests(since);
    // Ended before the baseline's calls, which are not the apply's.
    const profileLines = profile ? await profile.endRun(path.join(profileDir!, `${plane.engine}-${run}.json`)) : [];
    if (run % 2 === 0) aloneTimes.push(await armAlone());
    await plane.clearFaults();

    const failed = deployments.filter((deployment) => deployment.status !== "succeeded");
    if (failed.length > 0)
      throw new Error(`${failed.length} deployments did not succeed: ${failed[0]!.error?.message}`);
    const calls = sent.length;
    const instanceWide = sent.filter((entry) => instanceWideReadOf(entry) !== null).length;
    wallTimes.push(wallMs);
    callCounts.push(calls);
    ownCallCounts.push(calls - instanceWide);
    // Where the time goes: this process's CPU, the other processes' (the simulator and PostgreSQL) and the statements.
    const cpuPerApi = (cpu.user + cpu.system) / 1000 / APIS;
    const statements = `, ${((statementsAfter - statementsBefore) / APIS).toFixed(1)} statements`;
    const otherCpu = (name: string, before: number | null, after: number | null) =>
      before === null || after === null ? "" : `, ${name} CPU ${((after - before) / APIS).toFixed(1)} ms`;
    const others =
      otherCpu("sandbox", othersBefore.sandboxMs, othersAfter.sandboxMs) +
      otherCpu("PostgreSQL", othersBefore.postgresMs, othersAfter.postgresMs);
    for (const [kind, { count }] of plane.statementKinds()) {
      const during = count - (kindsBefore.get(kind)?.count ?? 0);
      if (during > 0) console.log(`    ${(during / APIS).toFixed(2)} per API: ${kind}`);
    }
    for (const line of profileLines) console.log(line);
    console.log(
      `  run ${run} (${plane.engine}): wall time ${Math.round(wallMs)} ms (its ARM calls alone ${Math.round(aloneTimes.at(-1)!)} ms), ${calls} ARM calls (${instanceWide} instance-wide reads of ${INSTANCE_WIDE * APIS} unshared); per API: Portcullis CPU ${cpuPerApi.toFixed(1)} ms${others}${statements}${machine}`,
    );
  }

  // Per API the plan reads, in one round trip, what its effective-access check needs — the service, the global
  // policy, the API, its products, its policy, its operations, the named values and the backends (8: these APIs
  // are in no product and have no operations) —, the policy and named values its diff needs among them (read
  // once for both: lib/apim/shared-reads.ts); then the apply writes the policy (1). Four of the eight are
  // instance-wide (the service, the global policy, the named values, the backends): a plan whose read of one
  // finds the identical read in flight on the instance shares it (lib/apim/coalesced-reads.ts), so how many
  // are sent depends on timing. The minimum: each API's own 4 reads and its write, the 4 instance-wide
  // reads once; the ceiling: every plan reading all 8 itself.
  // What each API sends for itself does not depend on timing: exactly its own reads and its write.
  const ownCalls = (PER_API_OWN + 1) * APIS;
  const minimumCalls = ownCalls + INSTANCE_WIDE;
  const unsharedCalls = (PER_API_OWN + INSTANCE_WIDE + 1) * APIS;
  const lowerBoundMs = Math.ceil(APIS / concurrency) * 2 * LATENCY_MS;
  const alone = median(aloneTimes);
  const apply = median(wallTimes);
  console.log(
    `  medians (${plane.engine}): the apply ${Math.round(apply)} ms = ${(apply / lowerBoundMs).toFixed(2)}× the lower bound; its ARM calls alone ${Math.round(alone)} ms = ${(alone / lowerBoundMs).toFixed(2)}× the lower bound; the apply = ${(apply / alone).toFixed(2)}× its ARM calls alone`,
  );
  const what = `apply a change to ${APIS} APIs, ${concurrency} in flight, ${LATENCY_MS} ms per ARM call (${plane.engine})`;
  return [
    figure(`${what}: wall time`, "ms", wallTimes, {
      bound: lowerBoundMs,
      timesBound: plane.engine === "postgres" ? 1.2 : 1.5,
    }),
    figure(`${what}: ARM calls`, "calls", callCounts, { atLeastBound: minimumCalls, atMost: unsharedCalls }),
    figure(`${what}: ARM calls besides the instance-wide reads`, "calls", ownCallCounts, { equalsBound: ownCalls }),
  ];
});
