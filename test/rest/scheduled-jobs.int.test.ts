import { beforeAll, describe, expect, it } from "vitest";
import * as jobs from "../../app/api/v1/scheduled-jobs/route";
import * as runs from "../../app/api/v1/scheduled-jobs/[name]/runs/route";
import { ensureJob } from "../../lib/scheduler/job-lease";
import { Scheduler } from "../../lib/scheduler/scheduler";
import { callRoute } from "../support/call-route";
import { setupSandboxHarness } from "../support/sandbox-harness";

const sandbox = setupSandboxHarness();
const HOUR = 60 * 60_000;

let [admin, reviewer, reader] = ["", "", ""];
beforeAll(async () => {
  [admin, reviewer, reader] = await Promise.all([
    sandbox.tokens.automation(),
    sandbox.tokens.user("reviewer"),
    sandbox.tokens.user("reader"),
  ]);
});

const list = (token: string) => callRoute(jobs.GET, { path: "/scheduled-jobs", token });
const runNow = (name: string, token = admin) =>
  callRoute(runs.POST, { path: `/scheduled-jobs/${name}/runs`, params: { name }, token, method: "POST" });
type Listed = { items: Array<{ name: string; label: string; lastOutcome: string | null; nextRunAt: string }> };

describe("REST: scheduled jobs", () => {
  it("lists each job's last run, outcome and next run; an admin runs one now, and the next tick runs it once", async () => {
    let ran = 0;
    const job = {
      name: "rotation-due",
      intervalMs: HOUR,
      leaseMs: 5 * 60_000,
      run: async () => {
        ran += 1;
        return { summary: "0 secrets newly due for rotation" };
      },
    };
    const scheduler = new Scheduler(sandbox.db.prisma, { owner: "rest-test", jobs: async () => [job] });
    await scheduler.tick();
    expect(ran).toBe(1);

    const listed = await list(reader);
    expect(listed.status).toBe(200);
    const item = (listed.body as Listed).items.find((i) => i.name === "rotation-due");
    expect(item).toMatchObject({ label: "Secrets due for rotation", lastOutcome: "succeeded" });
    expect(Date.parse(item!.nextRunAt)).toBeGreaterThan(Date.now() + HOUR / 2);
    // Not due for an hour: a tick does nothing …
    await scheduler.tick();
    expect(ran).toBe(1);

    // … until an admin asks for a run now.
    for (const token of [reader, reviewer]) expect((await runNow("rotation-due", token)).status).toBe(403);
    const asked = await runNow("rotation-due");
    expect(asked.status).toBe(202);
    expect(Date.parse((asked.body as { nextRunAt: string }).nextRunAt)).toBeLessThanOrEqual(Date.now());
    await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect(ran).toBe(2);

    const events = await sandbox.db.prisma.auditEvent.findMany({
      where: { targetType: "scheduled_job", targetId: "rotation-due" },
    });
    expect(events.map((e) => [e.action, e.outcome])).toEqual([["scheduled_job.run_now", "success"]]);
  });

  it("refuses a run now of a job running now (409), an unknown job (404) and a malformed name (400 naming it)", async () => {
    await ensureJob(sandbox.db.prisma, "busy-job", new Date());
    await sandbox.db.prisma.scheduledJob.update({
      where: { name: "busy-job" },
      data: { leaseOwner: "elsewhere", leaseExpiresAt: new Date(Date.now() + HOUR) },
    });
    expect((await runNow("busy-job")).status).toBe(409);
    expect((await runNow("no-such-job")).status).toBe(404);
    const bad = await runNow("Not A Job!");
    expect(bad.status).toBe(400);
    expect((bad.body as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toEqual(["path.name"]);
  });
});
