import type { RequestContext } from "../../lib/auth/request-context";

/**
 * The columns of an approval by `ctx` as stored without today's checks (as one recorded before a
 * rule refused it would be), for a test to insert into plan_approvals or change_set_approvals
 * with the hash it chooses. Valid for a day unless `expiresAt` says otherwise.
 */
export function storedApproval(ctx: RequestContext, expiresAt = new Date(Date.now() + 24 * 3_600_000)) {
  return { decision: "approved", actorType: "user", actorOid: ctx.actor.oid, actorName: ctx.actor.name, expiresAt };
}
