import { appendAuditEvent, auditedTransaction } from "../../audit/append-audit-event";
import { getDb } from "../../db";
import { publishEvent } from "../../notifications/publish-event";
import { approvalExpiryEvent } from "./approval-expiry-event";
import { PLAN_APPROVALS } from "./approval-subject";
import { EXPIRY_BATCH } from "./expire-due-approvals";

/**
 * The scheduled expiry (job `approval-expiry`, Portcullis acting on its own): each approval whose
 * lifetime has passed, of a plan not applied, is marked (expiry_audited_at, one conditional UPDATE
 * so several processes and the lazy check at approve, reject or apply record it once), written to
 * the audit history as `approval.expire` with the plan hash it approved, and announced to the
 * instance's webhooks (`approval.expired`), in one transaction. Approvers and authors learn that
 * a plan needs approving again when it happens, not when someone next tries to apply it.
 * Rejections do not expire (approval-rules.ts). Returns how many expired now.
 */
export async function expireApprovals(input: { now: Date }): Promise<number> {
  const db = getDb();
  const due = await db.planApproval.findMany({
    where: {
      decision: "approved",
      expiryAuditedAt: null,
      expiresAt: { lte: input.now },
      plan: { deployments: { none: { status: "succeeded" } } },
    },
    include: { plan: { select: { id: true, api: { select: { id: true, apimName: true, instanceId: true } } } } },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  let expired = 0;
  for (const approval of due) {
    const { api } = approval.plan;
    const marked = await auditedTransaction(db, async (tx) => {
      if (!(await PLAN_APPROVALS.markRecorded(tx, approval.id, input.now))) return false;
      await appendAuditEvent(
        tx,
        approvalExpiryEvent(PLAN_APPROVALS, approval.planId, { ...approval, hash: approval.planHash }),
      );
      await publishEvent(
        tx,
        {
          type: "approval.expired",
          instanceId: api.instanceId,
          data: {
            planId: approval.planId,
            planHash: approval.planHash,
            approvalId: approval.id,
            apiId: api.id,
            apimName: api.apimName,
            approvedBy: approval.actorName,
            expiresAt: approval.expiresAt.toISOString(),
            summary: `${approval.actorName}'s approval of a plan for ${api.apimName} expired: it needs approving again`,
          },
        },
        input.now,
      );
      return true;
    });
    if (marked) expired += 1;
  }
  return expired;
}
