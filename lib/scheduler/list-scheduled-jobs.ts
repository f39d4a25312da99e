import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { DRIFT_SCAN_JOB } from "./drift-scan-job";

export interface ScheduledJobView {
  name: string;
  /** What the job does, for people ("Drift scan of prod-westeurope"). */
  label: string;
  /** A run holds an unexpired lease now. */
  running: boolean;
  lastRunAt: string | null;
  lastOutcome: "succeeded" | "failed" | null;
  lastSummary: string | null;
  lastError: string | null;
  nextRunAt: string;
}

const LABELS: Record<string, string> = {
  "audit-checkpoint": "Audit checkpoint signing",
  "audit-verify": "Audit history verification",
  "webhook-deliveries": "Webhook deliveries",
  "approval-expiry": "Approval expiry",
  "rotation-cleanup": "Deleting rotated-out named values",
  "rotation-due": "Secrets due for rotation",
};

/** Each scheduled job's last run and outcome, and when it runs next (the console's overview). */
export async function listScheduledJobs(ctx: RequestContext, input: { now?: Date } = {}): Promise<ScheduledJobView[]> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const now = input.now ?? new Date();
  const [jobs, instances] = await Promise.all([
    db.scheduledJob.findMany({ orderBy: { name: "asc" } }),
    db.instance.findMany({ select: { id: true, name: true } }),
  ]);
  const instanceNames = new Map(instances.map((i) => [i.id, i.name]));
  return jobs
    .filter((job) => !job.name.startsWith(DRIFT_SCAN_JOB) || instanceNames.has(job.name.slice(DRIFT_SCAN_JOB.length)))
    .map((job) => ({
      name: job.name,
      label: job.name.startsWith(DRIFT_SCAN_JOB)
        ? `Drift scan of ${instanceNames.get(job.name.slice(DRIFT_SCAN_JOB.length))}`
        : (LABELS[job.name] ?? job.name),
      running: job.leaseExpiresAt !== null && job.leaseExpiresAt > now,
      lastRunAt: job.lastRunAt?.toISOString() ?? null,
      lastOutcome: job.lastOutcome === "succeeded" || job.lastOutcome === "failed" ? job.lastOutcome : null,
      lastSummary: job.lastSummary,
      lastError: job.lastError,
      nextRunAt: job.nextRunAt.toISOString(),
    }));
}
