import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { PrismaClient } from "../db";
import { log } from "../log";
import { claimDueJob, ensureJob, extendLease, finishJob } from "./job-lease";

/** One kind of work that runs on its own, every `intervalMs`, in one process at a time. */
export interface JobDefinition {
  /** Unique; the row in scheduled_jobs (e.g. `drift-scan:<instance id>`). */
  name: string;
  intervalMs: number;
  /** How long a claim lasts without renewal: a crashed process's job is taken over after this. */
  leaseMs: number;
  run(run: JobRun): Promise<JobResult>;
}

export interface JobRun {
  now: Date;
  /** What the last run kept (`JobResult.state`), or null. */
  state: unknown;
}

export interface JobResult {
  /** One line for the console, e.g. "12 APIs: 11 in sync, 1 drifted". */
  summary: string;
  /** Kept for the next run; undefined keeps the previous state. */
  state?: unknown;
  /** Fails the run (recorded with this error) after keeping the state above. */
  error?: string;
}

export interface TickResult {
  name: string;
  ran: boolean;
  outcome?: "succeeded" | "failed";
}

export interface SchedulerOptions {
  /** The jobs to consider at each tick (asked again every tick: instances come and go). */
  jobs: () => Promise<JobDefinition[]>;
  /** Names this process in the leases it holds. */
  owner?: string;
  clock?: () => Date;
  /** Wait between ticks of `start()`. */
  tickMs?: number;
}

/**
 * Runs due jobs. Every tick, for each job: make sure its row exists, try to claim its lease
 * (one conditional UPDATE; see job-lease.ts), run it when claimed, record the outcome and the
 * next run. Any number of schedulers — processes on one PostgreSQL database, or one process on
 * the embedded database — can tick at once: each due run happens once.
 */
export class Scheduler {
  readonly owner: string;
  private readonly clock: () => Date;
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly db: PrismaClient,
    private readonly options: SchedulerOptions,
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Runs every due job once (concurrently: they are independent) and waits for them. */
  async tick(): Promise<TickResult[]> {
    const jobs = await this.options.jobs();
    return Promise.all(jobs.map((job) => this.runIfDue(job)));
  }

  private async runIfDue(job: JobDefinition): Promise<TickResult> {
    if (!this.known.has(job.name)) {
      await ensureJob(this.db, job.name, this.clock());
      this.known.add(job.name);
    }
    const claimed = await claimDueJob(this.db, job.name, this.owner, this.clock(), job.leaseMs);
    if (!claimed) return { name: job.name, ran: false };

    // Renew the lease while the run goes on, so a long run is not taken for a crashed one.
    const renew = setInterval(
      () =>
        void extendLease(this.db, job.name, this.owner, this.clock(), job.leaseMs).catch((error: unknown) =>
          log.warn({ err: error, job: job.name }, "could not renew a scheduled job's lease"),
        ),
      Math.max(1000, Math.floor(job.leaseMs / 3)),
    );
    let result: JobResult;
    try {
      result = await job.run({ now: this.clock(), state: claimed.state ?? null });
    } catch (error) {
      log.error({ err: error, job: job.name }, "scheduled job failed");
      result = { summary: "", error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearInterval(renew);
    }
    const finishedAt = this.clock();
    const outcome = result.error === undefined ? "succeeded" : "failed";
    const recorded = await finishJob(this.db, job.name, this.owner, {
      outcome,
      summary: result.summary || null,
      error: result.error ?? null,
      state: result.state,
      finishedAt,
      nextRunAt: new Date(finishedAt.getTime() + job.intervalMs),
    });
    if (!recorded)
      log.warn({ job: job.name, owner: this.owner }, "scheduled job's lease was taken over during its run");
    return { name: job.name, ran: true, outcome };
  }

  /** Ticks every `tickMs` until stopped. A tick never overlaps the previous one. */
  start(): void {
    const tickMs = this.options.tickMs ?? 10_000;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error: unknown) => log.error({ err: error }, "scheduler tick failed"))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, tickMs).unref();
        });
    };
    this.timer = setTimeout(loop, 0).unref();
  }

  /** Stops ticking and waits for the runs in progress to finish and record their outcome. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
