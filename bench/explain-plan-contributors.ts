/**
 * The query plan of readPlanContributors (lib/deployments/approval) at estate size, on the engine
 * TEST_DB names (pglite, the default, or postgres): 5,000 APIs, each with 10 profile versions
 * (every other one saved from one of 50 templates of 5 versions, each with three resolved
 * variables), 10 plans and 6 deployments (5 succeeded). Prints EXPLAIN (ANALYZE, BUFFERS) of its
 * one statement for what reads it: one plan (an approval, a plan's page) and the latest
 * plans of 200 APIs (a change set's, or the waiting list's), each run three times after a
 * warm-up (the last printed). The history is inserted with SQL: only its shape matters here.
 *
 * Figures, from the three measured runs: the statement's execution time as EXPLAIN ANALYZE gives it
 * (one plan within a page's budget for one statement, the audit page's 20 ms; 200 plans within
 * the 150 ms a list page at estate size may take in all), and the sequential scans of the history
 * tables in its plan, which must be none: each such scan grows with the estate's history (the
 * template join once scanned profile_template_versions for every plan: lib/deployments/README.md).
 *
 *   npx tsx bench/explain-plan-contributors.ts
 *   TEST_DB=postgres npx tsx bench/explain-plan-contributors.ts
 */
import { Prisma, type PrismaClient } from "../lib/db";
import { figure, printBenchResult, type BenchFigure } from "./support/bench-result";
import { readPlanContributors } from "../lib/deployments/approval/read-plan-contributors";
import { createTestDatabase } from "../test/support/test-database";

const APIS = 5_000;
const VERSIONS = 10;
const PLANS = 10;
const DEPLOYMENTS = 6;
const TEMPLATES = 50;
const TEMPLATE_VERSIONS = 5;
/** A sequential scan of a table that grows with the estate's history, in EXPLAIN's text. */
const HISTORY_SEQ_SCAN =
  /Seq Scan on (plans|access_profile_versions|deployments|deployment_steps|profile_template_versions)\b/g;

const database = await createTestDatabase();
try {
  const session = await database.ownerSession();
  const started = Date.now();
  await session.exec(`
    INSERT INTO instances (id, name, subscription_id, resource_group, service_name, arm_endpoint)
      SELECT gen_random_uuid(), 'bench-' || i, 'sub', 'rg', 'svc-' || i, 'https://arm' FROM generate_series(1, 10) i;
    INSERT INTO apis (id, instance_id, apim_name, display_name, path)
      SELECT gen_random_uuid(), (SELECT id FROM instances ORDER BY name OFFSET (a % 10) LIMIT 1),
             'api-' || a, 'API ' || a, 'p' || a FROM generate_series(1, ${APIS}) a;
    INSERT INTO profile_templates (id, name, created_by)
      SELECT gen_random_uuid(), 'template-' || t, 'Admin ' || (t % 7) FROM generate_series(1, ${TEMPLATES}) t;
    INSERT INTO profile_template_versions (template_id, version, profile, created_by, created_by_oid)
      SELECT t.id, v, '{}'::jsonb, 'Admin ' || v, 'oid-' || v FROM profile_templates t, generate_series(1, ${TEMPLATE_VERSIONS}) v;
    CREATE TEMP TABLE bench_templates AS
      SELECT row_number() OVER (ORDER BY id) AS n, id, name FROM profile_templates;
    INSERT INTO access_profile_versions (id, api_id, version, profile, created_by, created_by_oid, template, resolved_variables, created_at)
      SELECT gen_random_uuid(), a.id, v, '{}'::jsonb, 'Admin ' || (v % 7), 'oid-' || (v % 7),
             CASE WHEN v % 2 = 0 THEN jsonb_build_object('id', t.id, 'name', t.name, 'version', 1 + v % ${TEMPLATE_VERSIONS}) END,
             (SELECT jsonb_agg(jsonb_build_object('name', 'var' || k, 'value', 'value-' || v || '-' || k,
                     'writtenBy', jsonb_build_object('oid', 'oid-' || k, 'name', 'Admin ' || k)))
                FROM generate_series(1, 3) k),
             now() - interval '1 day' * (${VERSIONS} - v + 1)
        FROM apis a
        JOIN bench_templates t ON t.n = 1 + abs(hashtext(a.id::text)) % ${TEMPLATES}
        CROSS JOIN generate_series(1, ${VERSIONS}) v;
    INSERT INTO plans (id, api_id, profile_version_id, operations, diff, created_by, created_by_oid, created_at)
      SELECT gen_random_uuid(), v.api_id, v.id, '[{"op":"x"}]'::jsonb, '{}'::jsonb, 'Planner', 'oid-planner',
             v.created_at + interval '1 hour'
        FROM access_profile_versions v WHERE v.version <= ${PLANS};
    INSERT INTO deployments (id, plan_id, api_id, status, started_at, finished_at, started_by)
      SELECT gen_random_uuid(), p.id, p.api_id, CASE WHEN v.version = 1 THEN 'failed' ELSE 'succeeded' END,
             p.created_at + interval '1 minute', p.created_at + interval '2 minutes', 'Planner'
        FROM plans p JOIN access_profile_versions v ON v.id = p.profile_version_id
       WHERE v.version <= ${DEPLOYMENTS};
    ANALYZE;`);
  const counts = await session.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM apis) AS apis, (SELECT count(*)::int FROM access_profile_versions) AS versions,
            (SELECT count(*)::int FROM plans) AS plans, (SELECT count(*)::int FROM deployments) AS deployments`,
  );
  console.log(`${database.engine}: seeded ${JSON.stringify(counts[0])} in ${Date.now() - started} ms`);
  // The latest plan of each API: it brings the versions saved after the last succeeded deployment.
  const latest = await session.query<{ id: string }>(
    `SELECT DISTINCT ON (api_id) id FROM plans ORDER BY api_id, created_at DESC LIMIT 200`,
  );
  await session.close();
  const figures: BenchFigure[] = [];
  for (const [label, ids, budgetMs] of [
    ["one plan", latest.slice(0, 1).map((row) => row.id), 20],
    ["the latest plans of 200 APIs", latest.map((row) => row.id), 150],
  ] as const) {
    let plan = await explained(database.prisma, ids);
    const times: number[] = [];
    const seqScans: number[] = [];
    for (let run = 1; run < 4; run += 1) {
      plan = await explained(database.prisma, ids);
      times.push(executionTimeOf(plan));
      seqScans.push(plan.match(HISTORY_SEQ_SCAN)?.length ?? 0);
    }
    console.log(`\n--- ${database.engine}, ${label} ---\n${plan}`);
    const what = `contributors of ${label} at 5000 APIs with their history (${database.engine})`;
    figures.push(
      figure(`${what}: execution time`, "ms", times, { atMost: budgetMs }),
      figure(`${what}: sequential scans of the history tables`, "scans", seqScans, { equalsBound: 0 }),
    );
    // The rows themselves, once: the statement answers what the rule needs.
    const contributors = await readPlanContributors(database.prisma, ids);
    console.log(`contributors read for ${contributors.size} plans, ${[...contributors.values()].flat().length} in all`);
  }
  printBenchResult(figures);
} finally {
  await database.close();
}

function executionTimeOf(plan: string): number {
  const time = /^Execution Time: ([\d.]+) ms$/m.exec(plan);
  if (!time) throw new Error(`no execution time in the plan:\n${plan}`);
  return Number(time[1]);
}

/** readPlanContributors's statement run under EXPLAIN (ANALYZE, BUFFERS): its plan as text. */
async function explained(db: PrismaClient, planIds: string[]): Promise<string> {
  let plan = "";
  const explaining = {
    async $queryRaw(sql: Prisma.Sql) {
      const rows = await db.$queryRaw<Array<{ "QUERY PLAN": string }>>(Prisma.sql`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
      plan = rows.map((row) => row["QUERY PLAN"]).join("\n");
      return [];
    },
  } as unknown as PrismaClient;
  await readPlanContributors(explaining, planIds);
  return plan;
}
