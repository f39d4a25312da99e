/**
 * The console header's count of what waits for approval, read on every full render of a console
 * page: countAwaitingApproval (lib/approvals) against what the header read before it, the three
 * waiting lists (listAwaitingApproval) for their length — alternating in this one process, on the
 * engine TEST_DB names (pglite, the default, or postgres). The estate, inserted with SQL (only its
 * shape matters): 10 production instances (one approval required), 2,000 APIs each with an
 * applied plan, `--plans` of them (200) with a newer plan waiting (every tenth approved by
 * another admin: the count reads those as the list does), and 10 ready change sets of 20 APIs
 * each waiting. Every plan holds ~11 KB of JSON (operations, diff, desired state), as a plan of
 * a policy document does. Both answer the same number (checked each run).
 *
 *   npx tsx bench/awaiting-approval-count.ts [--plans=200] [--runs=15]
 *   TEST_DB=postgres npx tsx bench/awaiting-approval-count.ts
 */
import { countAwaitingApproval } from "../lib/approvals/count-awaiting-approval";
import { listAwaitingApproval } from "../lib/approvals/list-awaiting-approval";
import { setDb } from "../lib/db";
import { planContentHash } from "../lib/deployments/plan/plan-hash";
import { contextFor } from "../test/support/request-context";
import { createTestDatabase } from "../test/support/test-database";
import { figure, median, printBenchResult } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";

const APIS = 2_000;
const SETS = 10;
const SET_APIS = 20;
const waitingPlans = numberArgument("plans", 200);
const runs = numberArgument("runs", 15);

// One content for every plan: one content hash, so a stored approval of it counts.
const policy = "<policies><inbound><base /></inbound></policies>".padEnd(3_000, " ");
const content = {
  operations: [{ op: "putApiPolicy", etag: '"1"', body: policy.slice(0, 2_000) }],
  diff: { summary: "Adds a client application", policy: { before: policy, after: policy }, lint: { findings: [] } },
  desiredState: { policy, namedValues: [] },
};
const hash = planContentHash(content);
const json = (value: unknown) => JSON.stringify(value).replaceAll("'", "''");

const database = await createTestDatabase();
setDb({ prisma: database.prisma, close: () => database.close() });
try {
  const session = await database.ownerSession();
  const started = Date.now();
  await session.exec(`
    INSERT INTO instances (id, name, subscription_id, resource_group, service_name, arm_endpoint, environment)
      SELECT gen_random_uuid(), 'bench-' || i, 'sub', 'rg', 'svc-' || i, 'https://arm', 'production'
        FROM generate_series(1, 10) i;
    INSERT INTO apis (id, instance_id, apim_name, display_name, path)
      SELECT gen_random_uuid(), (SELECT id FROM instances ORDER BY name OFFSET (a % 10) LIMIT 1),
             'api-' || lpad(a::text, 5, '0'), 'API ' || a, 'p' || a FROM generate_series(1, ${APIS}) a;
    INSERT INTO access_profile_versions (id, api_id, version, profile, created_by, created_by_oid, created_at)
      SELECT gen_random_uuid(), a.id, v, '{}'::jsonb, 'Writer', 'oid-writer', now() - interval '1 day' * (3 - v)
        FROM apis a CROSS JOIN generate_series(1, 2) v;
    -- Every API: version 1 planned and applied two days ago.
    INSERT INTO plans (id, api_id, profile_version_id, operations, diff, desired_state, created_by, created_by_oid, created_at)
      SELECT gen_random_uuid(), v.api_id, v.id, '${json(content.operations)}'::jsonb, '${json(content.diff)}'::jsonb,
             '${json(content.desiredState)}'::jsonb, 'Planner', 'oid-planner', now() - interval '2 days'
        FROM access_profile_versions v WHERE v.version = 1;
    INSERT INTO deployments (id, plan_id, api_id, status, started_at, finished_at, started_by)
      SELECT gen_random_uuid(), p.id, p.api_id, 'succeeded', p.created_at + interval '1 minute',
             p.created_at + interval '2 minutes', 'Planner' FROM plans p;
    -- Version 2 planned and not applied: alone (waiting), or in a change set.
    CREATE TEMP TABLE bench_apis AS SELECT row_number() OVER (ORDER BY apim_name) AS n, id FROM apis;
    INSERT INTO plans (id, api_id, profile_version_id, operations, diff, desired_state, created_by, created_by_oid, created_at)
      SELECT gen_random_uuid(), v.api_id, v.id, '${json(content.operations)}'::jsonb, '${json(content.diff)}'::jsonb,
             '${json(content.desiredState)}'::jsonb, 'Planner', 'oid-planner', now() - interval '1 hour' + interval '1 ms' * b.n
        FROM access_profile_versions v JOIN bench_apis b ON b.id = v.api_id
       WHERE v.version = 2 AND b.n <= ${waitingPlans + SETS * SET_APIS};
    INSERT INTO plan_approvals (id, plan_id, plan_hash, decision, actor_type, actor_oid, actor_name, expires_at)
      SELECT gen_random_uuid(), p.id, '${hash}', 'approved', 'user', 'oid-approver', 'Approver', now() + interval '1 day'
        FROM plans p JOIN bench_apis b ON b.id = p.api_id
       WHERE p.created_by = 'Planner' AND p.created_at > now() - interval '1 day' AND b.n <= ${waitingPlans} AND b.n % 10 = 0;
    INSERT INTO change_sets (id, title, change, status, created_by, created_by_oid)
      SELECT gen_random_uuid(), 'Set ' || s, '{"op":"addAudience","audience":"api://bench"}'::jsonb, 'ready',
             'Planner', 'oid-planner' FROM generate_series(1, ${SETS}) s;
    CREATE TEMP TABLE bench_sets AS SELECT row_number() OVER (ORDER BY title) AS n, id FROM change_sets;
    INSERT INTO change_set_items (change_set_id, api_id, position, plan_id, plan_hash, status, summary)
      SELECT s.id, p.api_id, b.n, p.id, '${hash}', 'planned', 'Adds an audience'
        FROM plans p JOIN bench_apis b ON b.id = p.api_id
        JOIN bench_sets s ON s.n = 1 + (b.n - ${waitingPlans} - 1) / ${SET_APIS}
       WHERE p.created_at > now() - interval '1 day' AND b.n > ${waitingPlans};
    ANALYZE;`);
  await session.close();
  console.log(`${database.engine}: seeded in ${Date.now() - started} ms`);

  const reader = contextFor("reader");
  const listed = async () => {
    const lists = await listAwaitingApproval(reader);
    return lists.plans.length + lists.changeSets.length + lists.settingsChanges.length;
  };
  const variants = { lists: listed, count: () => countAwaitingApproval(reader) };
  const expected = await listed();
  const times: Record<keyof typeof variants, number[]> = { lists: [], count: [] };
  // Warm-up of both, then alternating, the order swapped each round.
  for (const read of Object.values(variants)) await read();
  for (let run = 0; run < runs; run += 1) {
    const order = run % 2 === 0 ? (["lists", "count"] as const) : (["count", "lists"] as const);
    for (const name of order) {
      const start = performance.now();
      const answer = await variants[name]();
      times[name].push(performance.now() - start);
      if (answer !== expected) throw new Error(`${name} answered ${answer}, not ${expected}`);
    }
  }
  const lists = median(times.lists);
  const count = median(times.count);
  const range = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  console.log(
    `${database.engine}: ${expected} waiting; lists median ${lists.toFixed(1)} ms (${range(times.lists)}), count median ${count.toFixed(1)} ms (${range(times.count)}), ${runs} runs each; count/lists ${(count / lists).toFixed(2)}`,
  );
  printBenchResult([
    figure(`header's count of ${expected} waiting, ${database.engine}`, "ms", times.count, { atMost: lists }),
  ]);
} finally {
  await database.close();
}
