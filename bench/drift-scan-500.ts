/**
 * A drift scan of 500 APIs with 50 ms of latency on every ARM call and at most
 * `--concurrency` calls in flight. 10 APIs were edited outside the managed block and 5 inside it,
 * so those 15 policies must be read in full after their ETag read. Wall time is compared with
 * the lower bound the concurrency limit and the HEAD-then-GET order allow, ARM calls with the
 * minimum: one ETag read per distinct entity and one full read per changed one.
 *
 *   npx tsx bench/drift-scan-500.ts [--concurrency=32]
 */
import { scanDrift } from "../lib/deployments/scan-drift";
import { profiles } from "../test/support/deployment-fixtures";
import { apimClientForInstance } from "../lib/apim/client-for-instance";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";

const APIS = 500;
const HARMLESS = 10;
const SIGNIFICANT = 5;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 32);

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

  await plane.setFaults({ rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
  const since = (await plane.requests()).at(-1)?.seq ?? 0;
  const started = performance.now();
  const scan = await scanDrift(ctx, { instanceId: plane.instance.id, concurrency });
  const wallMs = performance.now() - started;
  await plane.clearFaults();

  const expected = { in_sync: APIS - HARMLESS - SIGNIFICANT, changed_harmlessly: HARMLESS, drifted: SIGNIFICANT };
  for (const [status, count] of Object.entries(expected)) {
    if (scan.counts[status] !== count)
      throw new Error(`expected ${count} ${status}, got ${JSON.stringify(scan.counts)}`);
  }
  const calls = (await plane.requests(since)).length;
  // One ETag read per policy, one for the named value all profiles share, one full read per changed policy.
  const minimumCalls = APIS + 1 + HARMLESS + SIGNIFICANT;
  const lowerBoundMs = Math.max(Math.ceil(minimumCalls / concurrency), 2) * LATENCY_MS;
  console.log(
    `drift scan of ${APIS} APIs (${HARMLESS} edited outside the block, ${SIGNIFICANT} inside), ${LATENCY_MS} ms per ARM call, ${concurrency} calls in flight (${plane.engine}):`,
  );
  console.log(
    `  wall time ${Math.round(wallMs)} ms; lower bound ${lowerBoundMs} ms (ceil(${minimumCalls}/${concurrency}) rounds); ratio ${(wallMs / lowerBoundMs).toFixed(2)}`,
  );
  console.log(
    `  ARM calls ${calls} (scan counted ${scan.armCalls}); minimum ${minimumCalls}; ratio ${(calls / minimumCalls).toFixed(2)}`,
  );
});
