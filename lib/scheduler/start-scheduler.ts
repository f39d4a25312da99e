import { getDb } from "../db";
import { getConfig } from "../env";
import { log } from "../log";
import { portcullisJobs } from "./portcullis-jobs";
import { Scheduler } from "./scheduler";

/**
 * Starts this server process's scheduler (scripts/serve-app.ts), unless SCHEDULER=off. Every
 * process may run one: the leases make each due run happen once. Returns how to stop it.
 */
export function startScheduler(): { stop(): Promise<void> } {
  const config = getConfig();
  if (!config.scheduler.enabled) {
    log.info("scheduler off (SCHEDULER=off): this process runs no scheduled job");
    return { stop: async () => undefined };
  }
  const scheduler = new Scheduler(getDb(), { jobs: portcullisJobs(config) });
  scheduler.start();
  log.info({ owner: scheduler.owner, driftScanMinutes: config.scheduler.driftScanMinutes }, "scheduler started");
  return { stop: () => scheduler.stop() };
}
