import { runAudited } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { instanceNames, toScheduledJobView } from "./list-scheduled-jobs";
import { scheduledJobParams, type ScheduledJobView } from "./schemas";

/**
 * "Run now": makes a job due at once, so the next tick of any Portcullis process (every 10 s)
 * claims and runs it under its lease, exactly once, as any scheduled run — nothing runs in the
 * request itself. A job whose run holds its lease now is refused (409): the run in progress
 * records its own next run. Audited (`scheduled_job.run_now`).
 */
export async function runScheduledJobNow(ctx: RequestContext, input: { name: string }): Promise<ScheduledJobView> {
  await authorize(ctx, "config.write");
  const { name } = parseInput(scheduledJobParams, input, "scheduled job");
  const db = getDb();
  const now = new Date();
  const job = await runAudited(
    db,
    async (tx) => {
      const found = await tx.scheduledJob.findUnique({ where: { name } });
      if (!found) throw new AppError("not_found", `There is no scheduled job named ${name}.`);
      const { count } = await tx.scheduledJob.updateMany({
        where: { name, OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: now } }] },
        data: { nextRunAt: now },
      });
      if (count === 0)
        throw new AppError("conflict", `${name} is running now; its run records when it runs next.`, {
          details: { name },
        });
      return tx.scheduledJob.findUniqueOrThrow({ where: { name } });
    },
    (row) => ({
      actor: ctx.actor,
      action: "scheduled_job.run_now",
      target: { type: "scheduled_job", id: row.name },
      after: { nextRunAt: row.nextRunAt.toISOString() },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    }),
  );
  return toScheduledJobView(job, await instanceNames(db), now);
}
