/**
 * The access matrix of an instance with 500 APIs in 5 products and 2,000 operations (every
 * fourth with a policy of its own), with 50 ms of latency on every ARM call and at most
 * `--concurrency` calls in flight: getAccessMatrix as the REST API and the console call it
 * (ARM reads, the stored profiles, every API's effective-access paths and their columns).
 * ARM calls are compared with the stated minimum (lib/apim/README.md, plus one list of named
 * values and one of backends), wall time with the dependency lower bound
 * L × max(⌈N/C⌉, R) (N the instance read's minimum, C the concurrency, R the longest chain).
 *
 *   npx tsx bench/access-matrix-500.ts [--concurrency=32] [--latency=50] [--runs=5]
 */
import { getAccessMatrix } from "../lib/access/get-access-matrix";
import { apimClientForInstance } from "../lib/apim/client-for-instance";
import { lowerBoundMs, minimumInstanceReadRequests, readInstanceScopes, shapeOf } from "../lib/apim";
import { figure } from "./support/bench-result";
import { benchmark, numberArgument } from "./support/control-plane";
import { latencyRuns } from "./support/latency-runs";

const APIS = 500;
const PRODUCTS = 5;
const OPERATIONS_PER_API = 4;
const PAGE_SIZE = 100;
const LATENCY_MS = numberArgument("latency", 50);
const concurrency = numberArgument("concurrency", 32);
const runs = numberArgument("runs", 5);

await benchmark(async (plane) => {
  const { ctx } = plane;
  await plane.seedApis(APIS, "bench-matrix", { operations: OPERATIONS_PER_API, products: PRODUCTS });
  // The shape as read (the seed's own four APIs and product come with it), for the minimum and the bound.
  const shape = shapeOf(await readInstanceScopes(apimClientForInstance(plane.instance)));
  const operations = shape.apiOperations.reduce((total, count) => total + count, 0);
  if (shape.apis < APIS || shape.products < PRODUCTS || operations < APIS * OPERATIONS_PER_API)
    throw new Error(`seeded ${shape.apis} APIs, ${shape.products} products, ${operations} operations`);
  // Named values and backends: one page each, in their own two slots from the first round.
  const minimumCalls = minimumInstanceReadRequests(shape, PAGE_SIZE) + 2;
  const boundMs = lowerBoundMs(shape, PAGE_SIZE, concurrency, LATENCY_MS);

  const { wallTimes, callCounts } = await latencyRuns(
    plane,
    {
      runs,
      latencyMs: LATENCY_MS,
      name: "the matrix",
      armCalls: (matrix) => matrix.armRequests,
      check: (matrix) => {
        if (matrix.rows.length !== shape.apis)
          throw new Error(`expected ${shape.apis} rows, got ${matrix.rows.length}`);
        const unreadable = matrix.rows.filter((row) => row.unreadable.length > 0).length + matrix.unreadable.length;
        if (unreadable > 0) throw new Error(`${unreadable} rows or reads were unreadable`);
      },
    },
    () => getAccessMatrix(ctx, { instanceId: plane.instance.id, concurrency }),
  );

  const what = `access matrix of ${shape.apis} APIs in ${shape.products} products, ${operations} operations, ${concurrency} calls in flight, ${LATENCY_MS} ms per ARM call (${plane.engine})`;
  return [
    figure(`${what}: wall time`, "ms", wallTimes, { bound: boundMs, timesBound: 1.2 }),
    figure(`${what}: ARM calls`, "calls", callCounts, { equalsBound: minimumCalls }),
  ];
});
