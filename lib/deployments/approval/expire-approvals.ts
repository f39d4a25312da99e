import { getDb } from "../../db";
import { PLAN_APPROVALS } from "./approval-subject";
import { EXPIRY_BATCH, expireDueApprovals } from "./expire-due-approvals";

/**
 * The scheduled expiry of plan approvals (job `approval-expiry`, Portcullis acting on its own):
 * each approval whose lifetime has passed, of a plan not applied, is marked, audited as
 * `approval.expire` with the plan hash it approved and announced to the instance's webhooks
 * (expireDueApprovals). Rejections do not expire (approval-rules.ts). Returns how many expired now.
 */
export async function expireApprovals(input: { now: Date }): Promise<number> {
  const due = await getDb().planApproval.findMany({
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
  return expireDueApprovals(
    getDb(),
    PLAN_APPROVALS,
    due.map((approval) => {
      const { api } = approval.plan;
      return {
        ...approval,
        hash: approval.planHash,
        targetId: approval.planId,
        announced: {
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
      };
    }),
    input.now,
  );
}
