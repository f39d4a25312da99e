import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import type { ScheduledJob } from "../db/generated/client";
import { DRIFT_SCAN_JOB } from "./drift-scan-job";
import type { ScheduledJobView } from "./schemas";

export type { ScheduledJobView } from "./schemas";

const LABELS: Record<string, string> = {
  "audit-checkpoint": "Audit checkpoint signing",
  "audit-verify": "Audit history verification",
  "webhook-deliveries": "Webhook deliveries",
  "approval-expiry": "Approval expiry",
  "rotation-cleanup": "Deleting rotated-out named values",
  "rotation-due": "Secrets due for rotation",
};

/** Each scheduled job's last run and outcome, and when it runs next (the console's overview, GET /scheduled-jobs). */
export async function listScheduledJobs(ctx: RequestContext, input: { now?: Date } = {}): Promise<ScheduledJobView[]> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const now = input.now ?? new Date();
  const [jobs, names] = await Promise.all([db.scheduledJob.findMany({ orderBy: { name: "asc" } }), instanceNames(db)]);
  return jobs
    .filter((job) => !job.name.startsWith(DRIFT_SCAN_JOB) || names.has(job.name.slice(DRIFT_SCAN_JOB.length)))
    .map((job) => toScheduledJobView(job, names, now));
}

export async function instanceNames(db: Prisma.TransactionClient): Promise<Map<string, string>> {
  const instances = await db.instance.findMany({ select: { id: true, name: true } });
  return new Map(instances.map((i) => [i.id, i.name]));
}

export function toScheduledJobView(job: ScheduledJob, names: Map<string, string>, now: Date): ScheduledJobView {
  return {
    name: job.name,
    label: job.name.startsWith(DRIFT_SCAN_JOB)
      ? `Drift scan of ${names.get(job.name.slice(DRIFT_SCAN_JOB.length))}`
      : (LABELS[job.name] ?? job.name),
    running: job.leaseExpiresAt !== null && job.leaseExpiresAt > now,
    lastRunAt: job.lastRunAt?.toISOString() ?? null,
    lastOutcome: job.lastOutcome === "succeeded" || job.lastOutcome === "failed" ? job.lastOutcome : null,
    lastSummary: job.lastSummary,
    lastError: job.lastError,
    nextRunAt: job.nextRunAt.toISOString(),
  };
}
