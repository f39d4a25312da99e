import { systemContext } from "../auth/system-context";
import { signCheckpointIfDue } from "../audit/sign-checkpoint";
import { getDb } from "../db";
import type { AppConfig } from "../env";
import { announceDrift } from "../notifications/announce-drift";
import { approvalExpiryJob } from "./approval-expiry-job";
import { changeSetResumeJob } from "./change-set-resume-job";
import { driftScanJob } from "./drift-scan-job";
import { rotationJobs } from "./rotation-jobs";
import type { JobDefinition } from "./scheduler";
import { webhookDeliveryJob } from "./webhook-delivery-job";

export const CHECKPOINT_JOB = "audit-checkpoint";
const MINUTE = 60_000;

/**
 * The jobs Portcullis runs on its own: signing an audit checkpoint when one is due (looked at
 * every minute; AUDIT_CHECKPOINT_EVENTS / AUDIT_CHECKPOINT_MINUTES decide), sending the webhook
 * outbox every tick, expiring plan approvals every minute, and a drift scan of each registered instance every DRIFT_SCAN_MINUTES (unless
 * off), whose new drift is announced to webhooks.
 */
export function portcullisJobs(config: AppConfig): () => Promise<JobDefinition[]> {
  const checkpoint: JobDefinition = {
    name: CHECKPOINT_JOB,
    intervalMs: MINUTE,
    leaseMs: 2 * MINUTE,
    async run({ now }) {
      const signed = await signCheckpointIfDue(systemContext(), { now });
      return { summary: signed ? `signed the head at event ${signed.seq}` : "no checkpoint due" };
    },
  };
  return async () => {
    const jobs = [checkpoint, webhookDeliveryJob, changeSetResumeJob, approvalExpiryJob, ...rotationJobs(config)];
    const minutes = config.scheduler.driftScanMinutes;
    if (minutes !== null) {
      const instances = await getDb().instance.findMany({ select: { id: true }, orderBy: { createdAt: "asc" } });
      for (const { id } of instances) jobs.push(driftScanJob(id, minutes * MINUTE, announceDrift));
    }
    return jobs;
  };
}
