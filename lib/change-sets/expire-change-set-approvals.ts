import { getDb } from "../db";
import { EXPIRY_BATCH, expireDueApprovals } from "../deployments/approval/expire-due-approvals";
import { CHANGE_SET_APPROVALS } from "./set-approval";

/**
 * The scheduled expiry of change set approvals (job `approval-expiry`): each approval past its
 * lifetime, of a set not yet applied, is marked and audited once with the set hash it approved,
 * when it happens rather than when someone next decides or applies. Returns how many expired now.
 */
export async function expireChangeSetApprovals(input: { now: Date }): Promise<number> {
  const due = await getDb().changeSetApproval.findMany({
    where: {
      decision: "approved",
      expiryAuditedAt: null,
      expiresAt: { lte: input.now },
      changeSet: { status: "ready" },
    },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  return expireDueApprovals(
    getDb(),
    CHANGE_SET_APPROVALS,
    due.map((row) => ({ ...row, hash: row.setHash, targetId: row.changeSetId })),
    input.now,
  );
}
