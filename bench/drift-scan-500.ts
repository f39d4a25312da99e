/**
 * A drift scan of 500 APIs with 50 ms of latency on every ARM call and at most
 * `--concurrency` calls in flight. 10 APIs were edited outside the managed block and 5 inside it,
 * so those 15 policies must be read in full after their ETag read. Wall time is compared with
 * the lower bound the concurrency limit and the HEAD-then-GET order allow, ARM calls with the
 * minimum: one ETag read per distinct entity and one full read per changed one.
 *
 * The scan is repeated `--runs` times on the same state (a scan changes nothing).
 *
 *   npx tsx bench/drift-scan-500.ts [--concurrency=32] [--latency=50] [--runs=5]
 */
import { scanDrift } from "../lib/deployments/scan-drift";
import { profiles } from "../test/support/deployment-fixtures";
import { apimClientForInstance } from "../lib/apim/client-for-instance";
import { figure } from "./support/bench-result";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";
import { latencyRuns } from "./support/latency-runs";

const APIS = 500;
const HARMLESS = 10;
const SIGNIFICANT = 5;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 32);
const runs = numberArgument("runs", 5);

await benchmark(async (plane) => {
  const { ctx } = plane;
  const ids = await plane.seedApis(APIS, "bench-drift");
  // Not measured: every API deployed, then some policies edited by hand.
  await deployEach(plane, ids, profiles.headerKey());
  const apim = apimClientForInstance(plane.instance);
  for (let i = 1; i <= HARMLESS + SIGNIFICANT; i++) {
    const name = `bench-drift-${i}`;
    const live = (await apim.getApiPolicy(name)).value!;
    const edited =
      i <= HARMLESS
        ? live.xml.replace("<outbound>", "<outbound>\r\n    <!-- tuned by hand -->")
        : live.xml.replace("11111111-2222-3333-4444-555555555555", "99999999-2222-3333-4444-555555555555");
    await apim.putApiPolicy(name, edited, { etag: live.etag });
  }

  const expected = { in_sync: APIS - HARMLESS - SIGNIFICANT, changed_harmlessly: HARMLESS, drifted: SIGNIFICANT };
  const { wallTimes, callCounts } = await latencyRuns(
    plane,
    {
      runs,
      latencyMs: LATENCY_MS,
      name: "the scan",
      armCalls: (scan) => scan.armCalls,
      check: (scan) => {
        for (const [status, count] of Object.entries(expected)) {
          if (scan.counts[status] !== count)
            throw new Error(`expected ${count} ${status}, got ${JSON.stringify(scan.counts)}`);
        }
      },
    },
    () => scanDrift(ctx, { instanceId: plane.instance.id, concurrency }),
  );

  // One ETag read per policy, one for the named value all profiles share, one full read per changed policy.
  const minimumCalls = APIS + 1 + HARMLESS + SIGNIFICANT;
  // A full read can only follow its ETag read: at least two rounds.
  const lowerBoundMs = Math.max(Math.ceil(minimumCalls / concurrency), 2) * LATENCY_MS;
  const what = `drift scan of ${APIS} APIs, ${concurrency} calls in flight, ${LATENCY_MS} ms per ARM call (${plane.engine})`;
  return [
    figure(`${what}: wall time`, "ms", wallTimes, { bound: lowerBoundMs, timesBound: 1.2 }),
    figure(`${what}: ARM calls`, "calls", callCounts, { equalsBound: minimumCalls }),
  ];
});
