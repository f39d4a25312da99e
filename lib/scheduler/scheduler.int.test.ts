import { describe, expect, it } from "vitest";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { claimDueJob, finishJob } from "./job-lease";
import { listScheduledJobs } from "./list-scheduled-jobs";
import { Scheduler, type JobDefinition } from "./scheduler";

const db = setupTestDatabase();
const MINUTE = 60_000;
const T0 = new Date("2026-12-04T10:00:00.000Z");

/** A clock the test moves by hand: no test waits for time to pass. */
function manualClock(start: Date) {
  let now = start.getTime();
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

function countingJobs(names: string[], runs: Map<string, number>, during?: () => Promise<void>): JobDefinition[] {
  return names.map((name) => ({
    name,
    intervalMs: 60 * MINUTE,
    leaseMs: 5 * MINUTE,
    async run() {
      runs.set(name, (runs.get(name) ?? 0) + 1);
      await during?.();
      return { summary: `ran ${name}` };
    },
  }));
}

describe("scheduled jobs on one database", () => {
  it("runs each due job exactly once across two schedulers with their own connections", async () => {
    const clock = manualClock(T0);
    const runs = new Map<string, number>();
    const names = ["drift-scan:a", "drift-scan:b", "drift-scan:c", "drift-scan:d"];
    const jobs = countingJobs(names, runs);
    // Two Portcullis processes: separate clients (their own connection pools on PostgreSQL).
    const first = new Scheduler(db.current.prisma, { owner: "one", jobs: async () => jobs, clock: clock.now });
    const second = new Scheduler(db.current.second, { owner: "two", jobs: async () => jobs, clock: clock.now });

    for (let round = 0; round < 5; round++) await Promise.all([first.tick(), second.tick(), first.tick()]);
    expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(names.map((n) => [n, 1])));

    // Not due again before its interval has passed …
    clock.advance(59 * MINUTE);
    await Promise.all([first.tick(), second.tick()]);
    expect([...runs.values()]).toEqual([1, 1, 1, 1]);
    // … and due once more after it.
    clock.advance(2 * MINUTE);
    for (let round = 0; round < 3; round++) await Promise.all([second.tick(), first.tick()]);
    expect([...runs.values()]).toEqual([2, 2, 2, 2]);

    const rows = await db.current.prisma.scheduledJob.findMany({ where: { name: { in: names } } });
    for (const row of rows) {
      expect(row).toMatchObject({ lastOutcome: "succeeded", lastSummary: `ran ${row.name}`, leaseOwner: null });
      expect(row.nextRunAt.getTime()).toBe(T0.getTime() + 61 * MINUTE + 60 * MINUTE);
    }
  });

  it("does not run a job another scheduler is running", async () => {
    const clock = manualClock(T0);
    const runs = new Map<string, number>();
    const others: Scheduler[] = [];
    const otherRan: boolean[] = [];
    // While the first scheduler runs the job, the second ticks: the lease keeps it out.
    const jobs = countingJobs(["busy"], runs, async () => {
      for (const other of others) otherRan.push(...(await other.tick()).map((r) => r.ran));
    });
    const first = new Scheduler(db.current.prisma, { owner: "one", jobs: async () => jobs, clock: clock.now });
    others.push(new Scheduler(db.current.second, { owner: "two", jobs: async () => jobs, clock: clock.now }));
    await first.tick();
    expect(runs.get("busy")).toBe(1);
    expect(otherRan).toEqual([false]);
  });

  it("lets another scheduler take over a job whose process crashed, once the lease has expired", async () => {
    const clock = manualClock(T0);
    const runs = new Map<string, number>();
    const jobs = countingJobs(["orphaned"], runs);
    const survivor = new Scheduler(db.current.second, { owner: "survivor", jobs: async () => jobs, clock: clock.now });
    await survivor.tick();
    expect(runs.get("orphaned")).toBe(1);

    // A process claims the next due run and dies without finishing it.
    clock.advance(61 * MINUTE);
    expect(await claimDueJob(db.current.prisma, "orphaned", "crashed", clock.now(), 5 * MINUTE)).not.toBeNull();
    clock.advance(4 * MINUTE);
    await survivor.tick();
    expect(runs.get("orphaned")).toBe(1);

    clock.advance(2 * MINUTE);
    await survivor.tick();
    expect(runs.get("orphaned")).toBe(2);
    const row = await db.current.prisma.scheduledJob.findUniqueOrThrow({ where: { name: "orphaned" } });
    expect(row).toMatchObject({ lastOutcome: "succeeded", leaseOwner: null });

    // The crashed process, were it only slow, can no longer record anything.
    const late = await finishJob(db.current.prisma, "orphaned", "crashed", {
      outcome: "failed",
      summary: null,
      error: "late",
      nextRunAt: clock.now(),
      finishedAt: clock.now(),
    });
    expect(late).toBe(false);
    expect(await db.current.prisma.scheduledJob.findUniqueOrThrow({ where: { name: "orphaned" } })).toMatchObject({
      lastOutcome: "succeeded",
      lastError: null,
    });
  });

  it("records a failed run with its error and keeps the schedule", async () => {
    const clock = manualClock(T0);
    let state: unknown = "none";
    const job: JobDefinition = {
      name: "flaky",
      intervalMs: 10 * MINUTE,
      leaseMs: MINUTE,
      async run(run) {
        state = run.state;
        if (run.state === null) return { summary: "first", state: { seen: 1 } };
        throw new Error("APIM did not answer");
      },
    };
    const scheduler = new Scheduler(db.current.prisma, { jobs: async () => [job], clock: clock.now });
    expect(await scheduler.tick()).toEqual([{ name: "flaky", ran: true, outcome: "succeeded" }]);
    clock.advance(10 * MINUTE);
    expect(await scheduler.tick()).toEqual([{ name: "flaky", ran: true, outcome: "failed" }]);
    expect(state).toEqual({ seen: 1 });
    const row = await db.current.prisma.scheduledJob.findUniqueOrThrow({ where: { name: "flaky" } });
    expect(row).toMatchObject({ lastOutcome: "failed", lastError: "APIM did not answer", state: { seen: 1 } });
    expect(row.nextRunAt.getTime()).toBe(T0.getTime() + 20 * MINUTE);

    // What the console shows a reader: the last run, how it ended and why, and the next run.
    const views = await listScheduledJobs(contextFor("reader"), { now: clock.now() });
    expect(views.find((v) => v.name === "flaky")).toEqual({
      name: "flaky",
      label: "flaky",
      running: false,
      lastRunAt: clock.now().toISOString(),
      lastOutcome: "failed",
      lastSummary: null,
      lastError: "APIM did not answer",
      nextRunAt: row.nextRunAt.toISOString(),
    });
    await expect(listScheduledJobs(contextFor("none"))).rejects.toMatchObject({ code: "forbidden" });
  });
});
