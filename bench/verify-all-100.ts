/**
 * "Verify all" on an instance with 100 caller-checked APIs (plus the sandbox's four seeded ones),
 * with `--latency` ms on every ARM call (the simulator's latency fault) and on every gateway call
 * (the sandbox gateway's latency control), `--concurrency` APIs verified at a time: the batch as
 * POST /instances/{id}/verifications runs it (read APIM, get the subscription key where the API
 * requires one, send the probes one after another, store each verification with its audit event).
 *
 * Calls are compared with their minimum: per API the scope read of lib/apim/README.md less the
 * service GET and the global policy, which are read once for the batch at the least (an API's read
 * shares one of the same in flight: lib/apim/coalesced-reads.ts, so how many are sent depends on
 * timing; at most once per API, the ceiling); per batch one list of named values, of backends and
 * of subscriptions, and one key read per subscription used (ServiceReads: the batch shares them); gateway calls with the probes the verifications say
 * they sent. Wall time is compared with the lower bound the probe count and concurrency allow: an
 * API's verification is a chain of 2 dependent ARM rounds for its scopes (the shared lists go in
 * the first) and then its P probes, each one call at L ms; each subscription key read adds one
 * round to the chains waiting for it. So the batch takes at least
 * L × max(max_a(2 + P_a) + k, (Σ_a(2 + P_a) + K) / C), K the keys read, k = 1 when any is.
 * The probe budget (VERIFY_PROBES_PER_MINUTE, 60 by default) is lifted here: at 60 a minute the
 * ~400 probes alone take 7 minutes, whatever the latency.
 *
 *   npx tsx bench/verify-all-100.ts [--concurrency=4] [--latency=50] [--runs=3]
 */
import { minimumApiReadRequests, readInstanceScopes } from "../lib/apim";
import { apimClientForInstance } from "../lib/apim/client-for-instance";
import { getDb } from "../lib/db";
import { startInstanceVerification } from "../lib/verification/verify-instance-access";
import { figure } from "./support/bench-result";
import { benchmark, deployEach, numberArgument } from "./support/control-plane";

const APIS = 100;
const PAGE_SIZE = 100;
/** Of an API's scope read, the service GET and the global policy are the instance's. */
const INSTANCE_WIDE = 2;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 4);
const runs = numberArgument("runs", 3);
process.env.VERIFY_PROBES_PER_MINUTE = "1000000";

await benchmark(async (plane) => {
  const c = plane.coordinates;
  const ids = await plane.seedApis(APIS, "bench-verify", { operations: 1 });
  // Setup, not measured: every API lets only the first caller client in and sends the model its key.
  await deployEach(plane, ids, {
    backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: {
      mode: "entra",
      tenantId: c.tenantId,
      clientApplicationIds: [c.callerClients[0]!.clientId],
      audiences: [c.llmApiAudience],
    },
  });
  // Per API: how many operations and products it has (for its minimum ARM calls).
  const scopes = await readInstanceScopes(apimClientForInstance(plane.instance));
  const products = scopes.products.state === "read" ? scopes.products.value : [];
  const apis = scopes.apis.state === "read" ? scopes.apis.value : [];
  const shapeOf = (name: string) => {
    const operations = apis.find((entry) => entry.api.name === name)?.operations;
    return {
      operations: operations?.state === "read" ? operations.value.length : 0,
      products: products.filter((entry) => entry.apis.state === "read" && entry.apis.value.includes(name)).length,
    };
  };
  const gateway = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${c.gatewayUrl}/_sandbox/gateway/${route}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`gateway control ${route}: ${response.status}`);
    return (await response.json()) as { requests: number };
  };

  const verifyAll = async () => {
    const { batch, run } = await startInstanceVerification(plane.ctx, { instanceId: plane.instance.id, concurrency });
    return { batch, finished: await run() };
  };
  // Not measured: one batch, so the runs measure a process that has verified before (and tokens are cached).
  await verifyAll();

  const wallTimes: number[] = [];
  const armCalls: number[] = [];
  const gatewayCalls: number[] = [];
  let bound = 0;
  let minimumArm = 0;
  let unsharedArm = 0;
  let probes = 0;
  let outcome = "";
  for (let run = 1; run <= runs; run++) {
    await plane.setFaults({ rules: [{ kind: "latency", ms: LATENCY_MS, jitterMs: 0, rate: 1 }] });
    await gateway("PUT", "latency", { ms: LATENCY_MS });
    const since = (await plane.requests()).at(-1)?.seq ?? 0;
    const gatewayBefore = (await gateway("GET", "stats")).requests;
    const started = performance.now();
    const { batch, finished } = await plane.profiled(verifyAll);
    const wallMs = performance.now() - started;
    await plane.clearFaults();
    await gateway("PUT", "latency", { ms: 0 });

    const stored = await getDb().verification.findMany({
      where: { batchId: batch.id },
      select: { notes: true, api: { select: { apimName: true } }, probes: { select: { outcome: true } } },
    });
    if (stored.length !== finished.total) throw new Error(`${stored.length} of ${finished.total} APIs verified`);
    let chains = 0;
    let longest = 0;
    // The batch's own lists: named values, backends, subscriptions; the service and global policy once.
    minimumArm = 3 + INSTANCE_WIDE;
    unsharedArm = 3;
    probes = 0;
    const keys = new Set<string>();
    for (const verification of stored) {
      const key = (verification.notes as string[])
        .map((note) => /carries the key of subscription '[^']*' \(([^,]+),/.exec(note)?.[1])
        .find((name) => name !== undefined);
      if (key !== undefined) keys.add(key);
      const sent = verification.probes.filter((probe) => probe.outcome !== "not_probed").length;
      const chain = 2 + sent;
      chains += chain;
      longest = Math.max(longest, chain);
      probes += sent;
      const apiRead = minimumApiReadRequests(shapeOf(verification.api.apimName), PAGE_SIZE);
      minimumArm += apiRead - INSTANCE_WIDE;
      unsharedArm += apiRead;
    }
    minimumArm += keys.size;
    unsharedArm += keys.size;
    const keyRound = keys.size > 0 ? 1 : 0;
    bound = LATENCY_MS * Math.max(longest + keyRound, Math.ceil((chains + keys.size) / concurrency));
    outcome = Object.entries(finished.counts)
      .map(([status, count]) => `${count} ${status}`)
      .join(", ");
    const calls = (await plane.requests(since)).length;
    const sentThrough = (await gateway("GET", "stats")).requests - gatewayBefore;
    wallTimes.push(wallMs);
    armCalls.push(calls);
    gatewayCalls.push(sentThrough);
    console.log(
      `  run ${run} (${plane.engine}): wall time ${Math.round(wallMs)} ms (bound ${bound} ms), ${calls} ARM calls (minimum ${minimumArm}, unshared ${unsharedArm}), ${sentThrough} gateway calls (${probes} probes); ${outcome}`,
    );
  }

  const what = `verify all: ${APIS + 4} APIs, ${concurrency} at a time, ${LATENCY_MS} ms per ARM and gateway call (${plane.engine})`;
  return [
    figure(`${what}: wall time`, "ms", wallTimes, { bound, timesBound: 1.2 }),
    figure(`${what}: ARM calls`, "calls", armCalls, { atLeastBound: minimumArm, atMost: unsharedArm }),
    figure(`${what}: gateway calls (${outcome})`, "calls", gatewayCalls, { equalsBound: probes }),
  ];
});
