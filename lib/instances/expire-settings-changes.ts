import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { SYSTEM_ACTOR } from "../audit/audit-input";
import { getDb } from "../db";
import { EXPIRY_BATCH, expireDueApprovals } from "../deployments/approval/expire-due-approvals";
import { SETTINGS_CHANGE_APPROVALS } from "./settings-change-state";

/**
 * The scheduled expiry of instance settings changes (job `approval-expiry`, Portcullis acting on
 * its own): approvals of a pending change past their lifetime are marked, audited once
 * (`approval.expire` with the change hash) and announced to the instance's webhooks
 * (`approval.expired`), and a change still pending at its own expiry ends as
 * `expired` (one conditional UPDATE, so it is recorded once however many processes look), audited
 * as `instance.settings.expire` with its hash. Returns how many of each expired now.
 */
export async function expireSettingsChanges(input: { now: Date }): Promise<{ approvals: number; changes: number }> {
  const db = getDb();
  const dueApprovals = await db.instanceSettingsChangeApproval.findMany({
    where: {
      decision: "approved",
      expiryAuditedAt: null,
      expiresAt: { lte: input.now },
      change: { status: "pending" },
    },
    include: { change: { select: { instanceId: true, instance: { select: { name: true } } } } },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  const approvals = await expireDueApprovals(
    db,
    SETTINGS_CHANGE_APPROVALS,
    dueApprovals.map((approval) => {
      const { instanceId, instance } = approval.change;
      return {
        ...approval,
        hash: approval.changeHash,
        targetId: approval.changeId,
        announced: {
          instanceId,
          data: {
            changeId: approval.changeId,
            changeHash: approval.changeHash,
            approvalId: approval.id,
            instanceName: instance.name,
            approvedBy: approval.actorName,
            expiresAt: approval.expiresAt.toISOString(),
            summary: `${approval.actorName}'s approval of a settings change of instance ${instance.name} expired: it needs approving again`,
          },
        },
      };
    }),
    input.now,
  );
  const dueChanges = await db.instanceSettingsChange.findMany({
    where: { status: "pending", expiresAt: { lte: input.now } },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  let changes = 0;
  for (const change of dueChanges) {
    const ended = await auditedTransaction(db, async (tx) => {
      const { count } = await tx.instanceSettingsChange.updateMany({
        where: { id: change.id, status: "pending" },
        data: { status: "expired", resolvedAt: input.now },
      });
      if (count === 0) return false;
      await appendAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "instance.settings.expire",
        target: { type: "instance_settings_change", id: change.id },
        after: {
          changeHash: change.changeHash,
          instanceId: change.instanceId,
          requestedBy: change.requestedBy,
          expiresAt: change.expiresAt.toISOString(),
        },
        outcome: "success",
      });
      return true;
    });
    if (ended) changes += 1;
  }
  return { approvals, changes };
}
