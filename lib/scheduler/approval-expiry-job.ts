import { expireApprovals } from "../deployments/approval/expire-approvals";
import type { JobDefinition } from "./scheduler";

export const APPROVAL_EXPIRY_JOB = "approval-expiry";
const MINUTE = 60_000;

/** Every minute: approvals whose lifetime passed are marked, audited and announced as they expire. */
export const approvalExpiryJob: JobDefinition = {
  name: APPROVAL_EXPIRY_JOB,
  intervalMs: MINUTE,
  leaseMs: 2 * MINUTE,
  async run({ now }) {
    const expired = await expireApprovals({ now });
    return { summary: `${expired} approval${expired === 1 ? "" : "s"} expired` };
  },
};
