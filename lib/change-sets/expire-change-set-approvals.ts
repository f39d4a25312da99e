import { getDb } from "../db";
import { EXPIRY_BATCH, expireDueApprovals } from "../deployments/approval/expire-due-approvals";
import { getConfig } from "../env";
import { approvalEventAddress, CHANGE_SET_APPROVALS } from "./set-approval";
import { storedSetVariables, variableInstancesOf } from "./set-variables";

/**
 * The scheduled expiry of change set approvals (job `approval-expiry`): each approval past its
 * lifetime, of a set not yet applied, is marked, audited once with the set hash it approved and
 * announced (`approval.expired`, with the set's link) to the webhooks of every instance the set
 * changes, as its approval was requested (record-change-set.ts): when it happens rather than when
 * someone next decides or applies. Returns how many expired now.
 */
export async function expireChangeSetApprovals(input: { now: Date }): Promise<number> {
  const db = getDb();
  const due = await db.changeSetApproval.findMany({
    where: {
      decision: "approved",
      expiryAuditedAt: null,
      expiresAt: { lte: input.now },
      changeSet: { status: "ready" },
    },
    include: {
      changeSet: {
        select: {
          id: true,
          title: true,
          variables: true,
          items: { select: { status: true, api: { select: { instanceId: true } } } },
        },
      },
    },
    orderBy: { expiresAt: "asc" },
    take: EXPIRY_BATCH,
  });
  const announced = await Promise.all(
    due.map(async (approval) => {
      const set = approval.changeSet;
      const variables = storedSetVariables(set);
      const variableInstances = variables ? await variableInstancesOf(db, variables.environment) : [];
      const address = approvalEventAddress({ items: set.items, variableInstances });
      const link = `${getConfig().appUrl}/change-sets/${set.id}`;
      return {
        ...approval,
        hash: approval.setHash,
        targetId: set.id,
        announced: {
          ...address,
          data: {
            changeSetId: set.id,
            setHash: approval.setHash,
            title: set.title,
            approvalId: approval.id,
            approvedBy: approval.actorName,
            expiresAt: approval.expiresAt.toISOString(),
            link,
            summary: `${approval.actorName}'s approval of change set "${set.title}" expired: it needs approving again: ${link}`,
          },
        },
      };
    }),
  );
  return expireDueApprovals(db, CHANGE_SET_APPROVALS, announced, input.now);
}
