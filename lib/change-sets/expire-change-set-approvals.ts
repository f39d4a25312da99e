import { getDb } from "../db";
import { EXPIRY_BATCH, expireDueApprovals } from "../deployments/approval/expire-due-approvals";
import { getConfig } from "../env";
import { applicable, CHANGE_SET_APPROVALS } from "./set-approval";

/**
 * The scheduled expiry of change set approvals (job `approval-expiry`): each approval past its
 * lifetime, of a set not yet applied, is marked, audited once with the set hash it approved and
 * announced (`approval.expired`, with the set's link) to the webhooks of every instance the set
 * changes, as its approval was requested (record-change-set.ts): when it happens rather than when
 * someone next decides or applies. Returns how many expired now.
 */
export async function expireChangeSetApprovals(input: { now: Date }): Promise<number> {
  const due = await getDb().changeSetApproval.findMany({
    where: {
      decision: "approved",
      expiryAuditedAt: null,
      expiresAt: { lte: input.now },
      changeSet: { status: "ready" },
    },
    include: {
      changeSet: {
        select: { title: true, items: { select: { status: true, api: { select: { instanceId: true } } } } },
      },
    },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  return expireDueApprovals(
    getDb(),
    CHANGE_SET_APPROVALS,
    due.map((approval) => {
      const { title, items } = approval.changeSet;
      const instanceIds = [...new Set(items.filter(applicable).map((item) => item.api.instanceId))];
      const link = `${getConfig().appUrl}/change-sets/${approval.changeSetId}`;
      return {
        ...approval,
        hash: approval.setHash,
        targetId: approval.changeSetId,
        announced: {
          instanceId: instanceIds.length === 1 ? instanceIds[0]! : null,
          alsoForInstanceIds: instanceIds,
          data: {
            changeSetId: approval.changeSetId,
            setHash: approval.setHash,
            title,
            approvalId: approval.id,
            approvedBy: approval.actorName,
            expiresAt: approval.expiresAt.toISOString(),
            link,
            summary: `${approval.actorName}'s approval of change set "${title}" expired: it needs approving again: ${link}`,
          },
        },
      };
    }),
    input.now,
  );
}
