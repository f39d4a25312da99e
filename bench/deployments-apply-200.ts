/**
 * Apply a profile change to 200 APIs with 50 ms of latency on every ARM call, at most
 * `--concurrency` APIs in flight. Wall time is compared with the lower bound the calls'
 * dependency order allows (per API: read the policy and the named values at once, then write
 * the policy: two round trips), and ARM calls made with the minimum a per-API plan needs.
 *
 *   npx tsx bench/deployments-apply-200.ts [--concurrency=16]
 */
import { limitConcurrency } from "../lib/apim";
import { createPlan } from "../lib/deployments/create-plan";
import { startDeployment } from "../lib/deployments/start-deployment";
import { profiles, saveProfile } from "../test/support/deployment-fixtures";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";

const APIS = 200;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 16);

await benchmark(async (plane) => {
  const { ctx } = plane;
  const ids = await plane.seedApis(APIS, "bench-apply");
  // Not measured: every API at profile version 1, then version 2 saved (another client application).
  await deployEach(plane, ids, profiles.headerKey());
  for (const id of ids) await saveProfile(ctx, id, profiles.headerKey("22222222-2222-3333-4444-555555555555"));

  await plane.setFaults({ rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
  const since = (await plane.requests()).at(-1)?.seq ?? 0;
  const limit = limitConcurrency(concurrency);
  const started = performance.now();
  const deployments = await Promise.all(
    ids.map((apiId) =>
      limit(async () => {
        const plan = await createPlan(ctx, { apiId });
        const { run } = await startDeployment(ctx, { planId: plan.id });
        return run();
      }),
    ),
  );
  const wallMs = performance.now() - started;
  await plane.clearFaults();

  const failed = deployments.filter((deployment) => deployment.status !== "succeeded");
  if (failed.length > 0) throw new Error(`${failed.length} deployments did not succeed: ${failed[0]!.error?.message}`);
  const calls = (await plane.requests(since)).length;
  const minimumCalls = 3 * APIS; // per API: read the policy, list the named values, write the policy
  const lowerBoundMs = Math.ceil(APIS / concurrency) * 2 * LATENCY_MS;
  console.log(
    `apply a profile change to ${APIS} APIs, ${LATENCY_MS} ms per ARM call, ${concurrency} APIs in flight (${plane.engine}):`,
  );
  const ratio = lowerBoundMs > 0 ? `; ratio ${(wallMs / lowerBoundMs).toFixed(2)}` : "";
  console.log(
    `  wall time ${Math.round(wallMs)} ms; lower bound ${lowerBoundMs} ms (ceil(${APIS}/${concurrency}) x 2 round trips)${ratio}`,
  );
  console.log(`  ARM calls ${calls}; minimum ${minimumCalls} (3 per API); ratio ${(calls / minimumCalls).toFixed(2)}`);
});
