/**
 * Audit pages at a million events on PostgreSQL, through the use case the console page and REST
 * `GET /audit` call (listAuditEvents, 50 a page), with every filter they offer:
 *
 *   npx tsx bench/audit-pages-1m.ts [--runs=5] [--events=1000000] [--record-plans]
 *
 * Each filter is requested 5 x 40 times after a warm-up; a run's figure is the p95 of its 40
 * times. Goals (issue 12): p95 ≤ 20 ms for every filter, including an actor with few events, an
 * actor matching nothing, target + month, action + date range and a change set's hash; following
 * the cursor through 50 pages ≤ 250 ms; page 500 costs what page 1 does, in time and in buffers
 * read (the plan's, which the machine's load does not change). Every query a filter makes is
 * EXPLAINed (ANALYZE, BUFFERS): the page, and the actor look-up or the time probes it needs first.
 * `--record-plans` writes them into bench/README.md between its "audit-pages-1m plans" markers.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import os from "node:os";
import { z } from "zod";
import {
  actorPattern,
  auditFilterSql,
  MATCHING_ACTORS_SQL,
  TIME_RANGE_SEQS_SQL,
  timeRangeSeqs,
} from "../lib/audit/audit-filter-sql";
import { listAuditEvents, pageSql } from "../lib/audit/list-audit-events";
import type { AuditFilter } from "../lib/audit/schemas";
import { systemContext } from "../lib/auth/system-context";
import { getDb } from "../lib/db";
import { decodeCursor } from "../lib/rest/pagination";
import { BUSY_TARGET, RARE_ACTION, RARE_ACTOR, SET_HASHES } from "./support/audit-fixture";
import { EVENTS, withAuditDatabase } from "./support/audit-bench";
import { figure, percentile, printBenchResult, type BenchFigure } from "./support/bench-result";
import { numberArgument } from "./support/control-plane";

const RUNS = numberArgument("runs", 5);
const REQUESTS = 40;
const PAGE = 50;
const RECORD_PLANS = process.argv.includes("--record-plans");
const README = new URL("./README.md", import.meta.url);
const PLANS_START = "<!-- audit-pages-1m plans: start (written by --record-plans) -->";
const PLANS_END = "<!-- audit-pages-1m plans: end -->";

const figures = await withAuditDatabase(false, async () => {
  const ctx = systemContext();
  const db = getDb();
  const [oldest, newest, frequent, plan] = await Promise.all([
    db.auditEvent.findFirst({ orderBy: { seq: "asc" } }),
    db.auditEvent.findFirst({ orderBy: { seq: "desc" } }),
    db.auditEvent.findFirst({ where: { actorType: "user", seq: { gt: BigInt(EVENTS / 2) } } }),
    db.auditEvent.findFirst({ where: { action: "plan.create", seq: { gt: BigInt(EVENTS / 2) } } }),
  ]);
  const planHash = (plan!.after as { planHash: string }).planHash;
  const t0 = oldest!.time.getTime();
  const t1 = newest!.time.getTime();
  const at = (fraction: number) => new Date(t0 + (t1 - t0) * fraction).toISOString();
  const filters: Array<[string, AuditFilter]> = [
    ["no filter", {}],
    ["actor: object id of a frequent user", { actor: frequent!.actorOid }],
    ["actor: part of a frequent name", { actor: frequent!.actorName.split(" ")[0]! }],
    ["actor: part of the name of an actor with 20 old events", { actor: RARE_ACTOR.name.split(" ")[1]! }],
    ["actor: matching nothing", { actor: "nobody-matches-this" }],
    [
      "actor with 20 old events + a month in the middle",
      { actor: RARE_ACTOR.name.split(" ")[1]!, from: at(0.5), to: at(0.58) },
    ],
    ["action: frequent, exact", { action: "deployment.step" }],
    ["action: prefix", { action: "deployment.*" }],
    ["action: rare + a month in the middle", { action: RARE_ACTION, from: at(0.5), to: at(0.58) }],
    ["action: frequent + a week in the first month", { action: "plan.create", from: at(0.02), to: at(0.04) }],
    ["target: type", { target: "session" }],
    ["target + month (the first)", { target: `${BUSY_TARGET.type}:${BUSY_TARGET.id}`, from: at(0), to: at(0.08) }],
    ["time: a day in the middle", { from: at(0.5), to: at(0.503) }],
    ["change hash: a change set's 25 approvals across the history", { changeHash: SET_HASHES[7]! }],
    ["change hash: matching nothing", { changeHash: "0".repeat(64) }],
    ["actor + action + time", { actor: frequent!.actorOid, action: "auth.*", from: at(0.1), to: at(0.9) }],
    ["plan hash: one plan", { planHash }],
    ["plan hash: matching nothing", { planHash: "0".repeat(64) }],
    ["plan hash + a month", { planHash, from: at(0.1), to: at(0.18) }],
  ];
  const recorded: string[] = [];
  const out: BenchFigure[] = [];
  for (const [what, filter] of filters) {
    const once = async () => {
      const started = performance.now();
      await listAuditEvents(ctx, { ...filter, limit: PAGE });
      return performance.now() - started;
    };
    for (let i = 0; i < 5; i++) await once();
    const p95s: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const times: number[] = [];
      for (let i = 0; i < REQUESTS; i++) times.push(await once());
      p95s.push(percentile(times, 95));
    }
    const page = await listAuditEvents(ctx, { ...filter, limit: PAGE });
    console.log(
      `\n  ${what} ${JSON.stringify(filter)}: ${page.items.length} on the first page; p95 ${p95s.map((p) => p.toFixed(1)).join(", ")} ms`,
    );
    const plans = await explainFilter(filter);
    console.log(plans.replace(/^/gm, "    "));
    recorded.push(`#### ${what}: \`${JSON.stringify(filter)}\`\n\n${plans.replace(/^/gm, "    ")}\n`);
    out.push(figure(`audit page at ${EVENTS} events, ${what} (postgres): p95`, "ms", p95s, { atMost: 20 }));
  }

  // Following the cursor: 50 pages, then the cost of page 1 and page 500 alike.
  const follow = async (pages: number) => {
    let cursor: string | undefined;
    const started = performance.now();
    for (let i = 0; i < pages; i++) {
      const page = await listAuditEvents(ctx, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      cursor = page.nextCursor ?? undefined;
    }
    return { ms: performance.now() - started, cursor };
  };
  await follow(5);
  const totals: number[] = [];
  for (let run = 0; run < RUNS; run++) totals.push((await follow(50)).ms);
  console.log(`\n  50 pages following the cursor: ${totals.map((t) => Math.round(t)).join(", ")} ms`);
  out.push(
    figure(`audit: 50 pages following the cursor at ${EVENTS} events (postgres): total`, "ms", totals, { atMost: 250 }),
  );
  const deep = (await follow(499)).cursor!;
  const pageTimes = async (cursor?: string) => {
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      await listAuditEvents(ctx, { limit: PAGE, ...(cursor ? { cursor } : {}) });
      times.push(performance.now() - started);
    }
    return percentile(times, 50);
  };
  const first: number[] = [];
  const fivehundredth: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    first.push(await pageTimes());
    fivehundredth.push(await pageTimes(deep));
  }
  console.log(
    `  page 1 median ${first.map((t) => t.toFixed(1)).join(", ")} ms; page 500 median ${fivehundredth.map((t) => t.toFixed(1)).join(", ")} ms`,
  );
  const m1 = [...first].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  out.push(
    figure(`audit: page 500 vs page 1 at ${EVENTS} events (postgres): median time`, "ms", fivehundredth, {
      timesBound: 1.5,
      bound: m1,
    }),
  );
  // The same comparison in the plans: page 500 reads the same index entries and pages as page 1.
  const [plan1, plan500] = [await explainPage({}), await explainPage({}, deep)];
  console.log(`\n  page 1:\n${plan1.plan.replace(/^/gm, "    ")}\n  page 500:\n${plan500.plan.replace(/^/gm, "    ")}`);
  recorded.push(
    `#### page 1 and page 500 (cursor ${deep}), no filter\n\n${plan1.plan.replace(/^/gm, "    ")}\n\n${plan500.plan.replace(/^/gm, "    ")}\n`,
  );
  out.push(
    figure(`audit: page 500 vs page 1 at ${EVENTS} events (postgres): buffers read`, "buffers", [plan500.buffers], {
      timesBound: 1,
      bound: plan1.buffers,
    }),
  );
  if (RECORD_PLANS) recordPlans(recorded);
  return out;
});
printBenchResult(figures);

/** EXPLAIN (ANALYZE, BUFFERS) of every query listAuditEvents makes for `filter`, with the SQL it sends. */
async function explainFilter(filter: AuditFilter): Promise<string> {
  const parts: string[] = [];
  if (filter.actor)
    parts.push(`actor look-up:\n${await explain(MATCHING_ACTORS_SQL, [filter.actor, actorPattern(filter.actor)])}`);
  if (filter.from || filter.to) {
    const [order] = await getDb().$queryRawUnsafe<Array<{ ordered_from: string }>>(
      `SELECT ordered_from::text FROM audit_time_order WHERE id = 1`,
    );
    const seqs = await timeRangeSeqs(getDb(), filter.from, filter.to);
    parts.push(
      `time probes (→ seq ${seqs.first}..${seqs.last}${seqs.exact ? ", exact" : ""}):\n${await explain(TIME_RANGE_SEQS_SQL, [filter.from ?? null, filter.to ?? null, order?.ordered_from ?? "9223372036854775807"])}`,
    );
  }
  parts.push(`page:\n${(await explainPage(filter)).plan}`);
  return parts.join("\n");
}

/** The page query's plan (the same SQL listAuditEvents sends) and the buffers it read. */
async function explainPage(filter: AuditFilter, cursor?: string): Promise<{ plan: string; buffers: number }> {
  const where = await auditFilterSql(getDb(), filter, 2);
  const below = decodeCursor(cursor, z.object({ seq: z.string() }))?.seq ?? "9223372036854775807";
  const plan = await explain(pageSql(where, PAGE + 1), [below, ...where.params]);
  const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(plan);
  return { plan, buffers: Number(top?.[1] ?? 0) + Number(top?.[2] ?? 0) };
}

async function explain(sql: string, params: unknown[]): Promise<string> {
  const rows = await getDb().$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
    `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`,
    ...params,
  );
  return rows.map((row) => `  ${row["QUERY PLAN"]}`).join("\n");
}

/** Replaces the plans recorded in bench/README.md with these, saying when and where they were taken. */
function recordPlans(sections: string[]): void {
  const readme = readFileSync(README, "utf8");
  const start = readme.indexOf(PLANS_START);
  const end = readme.indexOf(PLANS_END);
  if (start < 0 || end < start) throw new Error(`bench/README.md has no "${PLANS_START}" … "${PLANS_END}" section`);
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  const header = `Recorded ${new Date().toISOString().slice(0, 16)} UTC at ${commit}, ${EVENTS} events, load average ${load} (plans do not depend on it; the times in them do).`;
  writeFileSync(
    README,
    `${readme.slice(0, start + PLANS_START.length)}\n\n${header}\n\n${sections.join("\n")}\n${readme.slice(end)}`,
  );
}
