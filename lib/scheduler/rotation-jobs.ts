import { systemContext } from "../auth/system-context";
import type { AppConfig } from "../env";
import { announceDueRotations } from "../rotation/announce-due-rotations";
import { deleteRetiredNamedValues } from "../rotation/delete-retired-named-values";
import type { JobDefinition } from "./scheduler";

export const ROTATION_CLEANUP_JOB = "rotation-cleanup";
export const ROTATION_DUE_JOB = "rotation-due";
const MINUTE = 60_000;

/**
 * Key rotation's work that runs on its own: deleting the named values rotations retired once
 * their grace period is over (every minute, so a short grace period ends on time), and the daily
 * look at rotation policies that announces "secret due for rotation" (hourly: a secret becomes
 * due at any time of day).
 */
export function rotationJobs(_config: AppConfig): JobDefinition[] {
  return [
    {
      name: ROTATION_CLEANUP_JOB,
      intervalMs: MINUTE,
      leaseMs: 5 * MINUTE,
      async run({ now }) {
        const { deleted, failed } = await deleteRetiredNamedValues(systemContext(), { now });
        return {
          summary: `${deleted} retired named value${deleted === 1 ? "" : "s"} deleted${failed > 0 ? `, ${failed} failed (retried next run)` : ""}`,
          ...(failed > 0 ? { error: `${failed} retired named value(s) could not be deleted` } : {}),
        };
      },
    },
    {
      name: ROTATION_DUE_JOB,
      intervalMs: 60 * MINUTE,
      leaseMs: 5 * MINUTE,
      async run({ now }) {
        const announced = await announceDueRotations(systemContext(), { now });
        return { summary: `${announced} secret${announced === 1 ? "" : "s"} newly due for rotation` };
      },
    },
  ];
}
