import { AsyncLocalStorage } from "node:async_hooks";
import diagnosticsChannel from "node:diagnostics_channel";
import { readFile, writeFile } from "node:fs/promises";
import { monitorEventLoopDelay, performance, type EventLoopUtilization } from "node:perf_hooks";
import { createDefaultHttpClient, type HttpClient } from "@azure/core-rest-pipeline";
import pg from "pg";
import { AUDIT_CHAIN_WAIT_CHANNEL, type AuditChainWait } from "../../lib/audit/append-audit-event";
import { processStat, processStats } from "./process-cpu";

/**
 * Where an operation of a benchmark waits (`--profile`): each unit of work (one API's apply) is
 * traced in an AsyncLocalStorage, and every span it spends in ARM (the transport's round trip),
 * in a database statement, waiting for a pool connection or waiting for the audit chain's
 * sequencer is recorded on its own timeline. Benchmark processes only: it patches pg's Pool and
 * Client prototypes and replaces the ARM transport.
 */
export type SpanKind = "arm" | "sql" | "chain-sql" | "pool" | "chain";

interface Span {
  kind: SpanKind;
  start: number;
  end: number;
  /** The statement's opening words, or the ARM method and path. */
  what?: string;
}

interface Trace {
  id: string;
  queued: number;
  start: number;
  end: number;
  phases: { name: string; start: number; end: number }[];
  spans: Span[];
}

/** Exclusive attribution of a unit's time: at each instant the first of these that is open. */
const PRIORITY: SpanKind[] = ["arm", "chain-sql", "sql", "pool", "chain"];

export class WaitProfile {
  private readonly store = new AsyncLocalStorage<Trace>();
  private readonly traces: Trace[] = [];
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 5 });
  private readonly pool = { inUse: 0, peakInUse: 0, waiting: 0, peakWaiting: 0 };
  private utilization: EventLoopUtilization | null = null;
  /** The databases this process's pg clients use, so that their server processes can be found. */
  private readonly databases = new Set<string>();
  private cpuAtStart = new Map<number, number>();
  /** The server CPU of each kind of statement (its opening words): the backend's CPU while it ran. */
  private readonly serverCpu = new Map<string, { count: number; ms: number }>();

  constructor() {
    this.patchPg();
    diagnosticsChannel.subscribe(AUDIT_CHAIN_WAIT_CHANNEL, (message) => {
      const { startMs, endMs } = message as AuditChainWait;
      this.store.getStore()?.spans.push({ kind: "chain", start: startMs, end: endMs });
    });
  }

  /** The ARM transport to give configureApimClients: the default one, timed. */
  armTransport(): HttpClient {
    const inner = createDefaultHttpClient();
    return {
      sendRequest: async (request) => {
        const trace = this.store.getStore();
        const start = performance.now();
        try {
          return await inner.sendRequest(request);
        } finally {
          trace?.spans.push({
            kind: "arm",
            start,
            end: performance.now(),
            what: `${request.method} ${new URL(request.url).pathname.split("/").slice(-2).join("/")}`,
          });
        }
      },
    };
  }

  /** Runs one unit of work (queued at `queued`, performance.now()) on a timeline of its own. */
  async unit<T>(id: string, queued: number, work: () => Promise<T>): Promise<T> {
    const trace: Trace = { id, queued, start: performance.now(), end: 0, phases: [], spans: [] };
    this.traces.push(trace);
    try {
      return await this.store.run(trace, work);
    } finally {
      trace.end = performance.now();
    }
  }

  /** Marks a phase of the current unit (plan, start, run). */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.store.getStore()?.phases.push({ name, start, end: performance.now() });
    }
  }

  async startRun(): Promise<void> {
    this.cpuAtStart = await this.otherProcessesCpu();
    this.traces.length = 0;
    this.serverCpu.clear();
    Object.assign(this.pool, { inUse: 0, peakInUse: 0, waiting: 0, peakWaiting: 0 });
    this.loopDelay.reset();
    this.loopDelay.enable();
    this.utilization = performance.eventLoopUtilization();
  }

  /** Summarises the run so far, writes its timelines to `file` and returns the summary's lines. */
  async endRun(file: string): Promise<string[]> {
    this.loopDelay.disable();
    const busy = performance.eventLoopUtilization(this.utilization!).utilization;
    const cpuAtEnd = await this.otherProcessesCpu();
    const traces = this.traces.filter((trace) => trace.end > 0);
    await writeFile(file, JSON.stringify({ traces }, null, 0));
    const lines: string[] = [];
    const n = traces.length;
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
    const service = traces.map((trace) => trace.end - trace.start);
    const queued = traces.map((trace) => trace.start - trace.queued);
    lines.push(
      `  ${n} units: in a slot ${mean(service).toFixed(1)} ms each (min ${Math.min(...service).toFixed(1)}, max ${Math.max(...service).toFixed(1)}), queued before it ${mean(queued).toFixed(1)} ms`,
    );
    // Exclusive attribution of each unit's time in its slot.
    const totals = new Map<string, number>();
    const byPhase = new Map<string, Map<string, number>>();
    for (const trace of traces) {
      for (const [kind, ms] of attribute(trace, trace.start, trace.end)) totals.set(kind, (totals.get(kind) ?? 0) + ms);
      for (const phase of trace.phases) {
        const into = byPhase.get(phase.name) ?? new Map<string, number>();
        byPhase.set(phase.name, into);
        into.set("total", (into.get("total") ?? 0) + phase.end - phase.start);
        for (const [kind, ms] of attribute(trace, phase.start, phase.end)) into.set(kind, (into.get(kind) ?? 0) + ms);
      }
    }
    const describe = (map: Map<string, number>) =>
      [...map].map(([kind, ms]) => `${kind} ${(ms / n).toFixed(1)}`).join(", ");
    lines.push(`  per unit, ms (exclusive: arm > chain-sql > sql > pool > chain > other): ${describe(totals)}`);
    for (const [name, map] of byPhase) lines.push(`    ${name}: ${describe(map)}`);
    // Concurrency achieved: the time-weighted mean of units in a slot and of units in ARM.
    const first = Math.min(...traces.map((trace) => trace.start));
    const last = Math.max(...traces.map((trace) => trace.end));
    const wall = last - first;
    const sum = (kind: SpanKind | "slot") =>
      traces.reduce(
        (total, trace) =>
          total +
          (kind === "slot"
            ? trace.end - trace.start
            : union(trace.spans.filter((span) => span.kind === kind)).reduce((t, [s, e]) => t + e - s, 0)),
        0,
      );
    lines.push(
      `  in flight (time-weighted mean over ${wall.toFixed(0)} ms): in a slot ${(sum("slot") / wall).toFixed(1)}, in ARM ${(sum("arm") / wall).toFixed(1)}, in a statement ${(sum("sql") / wall).toFixed(1)}, waiting for the chain ${(sum("chain") / wall).toFixed(1)}, for a connection ${(sum("pool") / wall).toFixed(1)}`,
    );
    lines.push(
      `  event loop busy ${(busy * 100).toFixed(0)}%; pool: peak ${this.pool.peakInUse} connections in use, peak ${this.pool.peakWaiting} waiting; event loop delay p50 ${(this.loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(this.loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(this.loopDelay.max / 1e6).toFixed(1)} ms`,
    );
    const chainSql = traces.flatMap((trace) => trace.spans.filter((span) => span.kind === "chain-sql"));
    const chainWaits = traces.flatMap((trace) => trace.spans.filter((span) => span.kind === "chain"));
    const sqls = traces.flatMap((trace) => trace.spans.filter((span) => span.kind === "sql"));
    const arms = traces.flatMap((trace) => trace.spans.filter((span) => span.kind === "arm"));
    const stat = (spans: Span[]) => {
      const d = spans.map((span) => span.end - span.start).sort((a, b) => a - b);
      return `${spans.length}, mean ${mean(d).toFixed(1)} ms, p50 ${(d[Math.floor(d.length / 2)] ?? 0).toFixed(1)}, p90 ${(d[Math.floor(d.length * 0.9)] ?? 0).toFixed(1)}, max ${(d.at(-1) ?? 0).toFixed(1)}`;
    };
    // The machine's CPU the run took besides this process: the simulator (its own process) and the database's server processes.
    const cpuOf = (pids: number[]) =>
      pids.reduce((total, pid) => total + (cpuAtEnd.get(pid)! - (this.cpuAtStart.get(pid) ?? 0)), 0);
    const pids = [...cpuAtEnd.keys()];
    const children = pids.filter((pid) => pid > 0);
    const backends = pids.filter((pid) => pid < 0);
    lines.push(
      `  CPU per unit besides this process: simulator ${(cpuOf(children) / n).toFixed(1)} ms, database server processes of this run's database ${(cpuOf(backends) / n).toFixed(1)} ms (${backends.length} seen)`,
    );
    const kinds = [...this.serverCpu].sort((a, b) => b[1].ms - a[1].ms);
    lines.push(`  database server CPU by statement (per unit; per statement):`);
    for (const [what, { count, ms }] of kinds.slice(0, 12))
      lines.push(`    ${(ms / n).toFixed(2)} ms; ${(ms / count).toFixed(2)} ms × ${(count / n).toFixed(2)}: ${what}`);
    lines.push(`  ARM calls ${stat(arms)}`);
    lines.push(`  statements ${stat(sqls)}`);
    lines.push(`  chain waits ${stat(chainWaits)}; the sequencer's statements ${stat(chainSql)}`);
    lines.push(`  timelines: ${file}`);
    return lines;
  }

  /**
   * CPU time (ms) of this process's children (the simulator; pid > 0) and of the PostgreSQL server
   * processes serving this process's databases (by their process title; negated pid), from /proc.
   */
  private async otherProcessesCpu(): Promise<Map<number, number>> {
    const cpu = new Map<number, number>();
    const databases = [...this.databases];
    for (const [pid, stat] of processStats()) {
      if (stat.parentPid === process.pid) cpu.set(pid, stat.cpuMs);
      else if (stat.command === "postgres") {
        try {
          const title = await readFile(`/proc/${pid}/cmdline`, "utf8");
          if (databases.some((database) => title.includes(` ${database} `))) cpu.set(-pid, stat.cpuMs);
        } catch {
          // The process ended meanwhile.
        }
      }
    }
    return cpu;
  }

  private patchPg(): void {
    const { store, pool, databases, serverCpu } = this;
    const connect = pg.Pool.prototype.connect;
    pg.Pool.prototype.connect = function (this: pg.Pool, callback?: (...args: unknown[]) => void) {
      const trace = store.getStore();
      const start = performance.now();
      pool.waiting += 1;
      pool.peakWaiting = Math.max(pool.peakWaiting, pool.waiting);
      const done = (error: unknown, client: pg.PoolClient | undefined) => {
        pool.waiting -= 1;
        trace?.spans.push({ kind: "pool", start, end: performance.now() });
        if (!error && client) {
          pool.inUse += 1;
          pool.peakInUse = Math.max(pool.peakInUse, pool.inUse);
          const release = client.release;
          client.release = function (this: pg.PoolClient, ...args: Parameters<typeof release>) {
            pool.inUse -= 1;
            client.release = release;
            return release.apply(this, args);
          };
        }
      };
      if (typeof callback === "function")
        return (connect as (cb: unknown) => void).call(
          this,
          (error: unknown, client: pg.PoolClient, release: unknown) => {
            done(error, client);
            // A waiter gets its connection in the releaser's context: go on in the waiter's.
            const go = () => callback(error, client, release);
            if (trace) store.run(trace, go);
            else go();
          },
        );
      return (connect as () => Promise<pg.PoolClient>).call(this).then(
        (client) => {
          done(null, client);
          return client;
        },
        (error: unknown) => {
          done(error, undefined);
          throw error;
        },
      );
    } as typeof connect;

    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (this.database) databases.add(this.database);
      const trace = store.getStore();
      const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
      const what = text.replace(/\s+/g, " ").trim().slice(0, 60);
      const kind: SpanKind = /^(SELECT h\.last_seq|WITH chained AS|WITH RECURSIVE waiting AS)/.test(what)
        ? "chain-sql"
        : "sql";
      const start = performance.now();
      const backend = (this as unknown as { processID?: number }).processID;
      const cpuBefore = backend === undefined ? null : processCpuMs(backend);
      const done = () => {
        trace?.spans.push({ kind, start, end: performance.now(), what });
        if (cpuBefore === null) return;
        const used = serverCpu.get(what) ?? { count: 0, ms: 0 };
        serverCpu.set(what, used);
        used.count += 1;
        used.ms += processCpuMs(backend!) - cpuBefore;
      };
      const last = args.at(-1);
      if (typeof last === "function") {
        args[args.length - 1] = (...results: unknown[]) => {
          done();
          (last as (...all: unknown[]) => void)(...results);
        };
        return (query as (...all: unknown[]) => unknown).apply(this, args);
      }
      const result = (query as (...all: unknown[]) => unknown).apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === "function")
        (result as Promise<unknown>).then(done, done);
      return result;
    } as typeof query;
  }
}

/** A process's CPU time so far (user + system, ms), or 0 when it is gone. */
function processCpuMs(pid: number): number {
  return processStat(pid)?.cpuMs ?? 0;
}

/** Time of [from, to] by the first open kind in PRIORITY, the rest "other". */
function attribute(trace: Trace, from: number, to: number): Map<string, number> {
  const result = new Map<string, number>();
  let remaining: [number, number][] = [[from, to]];
  for (const kind of PRIORITY) {
    const covered = union(trace.spans.filter((span) => span.kind === kind))
      .map(([s, e]) => [Math.max(s, from), Math.min(e, to)] as [number, number])
      .filter(([s, e]) => e > s);
    let ms = 0;
    const next: [number, number][] = [];
    for (const [s, e] of remaining) {
      let cursor = s;
      for (const [cs, ce] of covered) {
        if (ce <= cursor || cs >= e) continue;
        if (cs > cursor) next.push([cursor, cs]);
        ms += Math.min(ce, e) - Math.max(cs, cursor);
        cursor = Math.max(cursor, Math.min(ce, e));
      }
      if (cursor < e) next.push([cursor, e]);
    }
    result.set(kind, ms);
    remaining = next;
  }
  result.set(
    "other",
    remaining.reduce((t, [s, e]) => t + e - s, 0),
  );
  return result;
}

/** The union of spans as sorted, disjoint intervals. */
function union(spans: Span[]): [number, number][] {
  const sorted = spans.map((span) => [span.start, span.end] as [number, number]).sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [s, e] of sorted) {
    const lastInterval = merged.at(-1);
    if (lastInterval && s <= lastInterval[1]) lastInterval[1] = Math.max(lastInterval[1], e);
    else merged.push([s, e]);
  }
  return merged;
}
