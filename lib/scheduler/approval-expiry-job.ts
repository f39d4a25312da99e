import { expireChangeSetApprovals } from "../change-sets/expire-change-set-approvals";
import { expireApprovals } from "../deployments/approval/expire-approvals";
import { expireSettingsChanges } from "../instances/expire-settings-changes";
import type { JobDefinition } from "./scheduler";

export const APPROVAL_EXPIRY_JOB = "approval-expiry";
const MINUTE = 60_000;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/**
 * Every minute: approvals of plans, change sets and settings changes whose lifetime passed, and
 * settings changes still pending at their expiry, are marked and audited (each once) as they
 * expire, not when someone next looks at them.
 */
export const approvalExpiryJob: JobDefinition = {
  name: APPROVAL_EXPIRY_JOB,
  intervalMs: MINUTE,
  leaseMs: 2 * MINUTE,
  async run({ now }) {
    const plans = await expireApprovals({ now });
    const sets = await expireChangeSetApprovals({ now });
    const settings = await expireSettingsChanges({ now });
    return {
      summary: `${count(plans + sets + settings.approvals, "approval")} expired; ${count(settings.changes, "settings change")} expired`,
    };
  },
};
