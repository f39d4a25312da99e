import { recordAuditEvent } from "../../audit/append-audit-event";
import type { RequestContext } from "../../auth/request-context";
import type { PrismaClient } from "../../db";
import { AppError } from "../../errors";
import type { ApprovalState } from "./approval-rules";
import type { AppliedApprovalSubject } from "./approval-subject";

/**
 * Refuses to apply a plan (or change set) its instances require approvals for and that does not
 * have them (or was rejected): the refusal is audited (`subject.refuseAction`, denied), as it is
 * part of the subject's story and security reviewers see who tried, then `approval-required`
 * (409 over REST) says what is missing.
 */
export async function assertApproved(
  db: PrismaClient,
  ctx: RequestContext,
  subject: AppliedApprovalSubject,
  id: string,
  state: ApprovalState & { hash: string },
): Promise<void> {
  if (state.status === "not_required" || state.status === "approved") return;
  await recordAuditEvent(db, {
    actor: ctx.actor,
    action: subject.refuseAction,
    target: { type: subject.type, id },
    after: { [subject.hashKey]: state.hash, approvalStatus: state.status, approvedBy: state.approvedBy },
    outcome: "denied",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  const details = {
    [subject.hashKey]: state.hash,
    approvalsRequired: state.required,
    approvedBy: state.approvedBy,
    approvalStatus: state.status,
  };
  if (state.rejection) {
    throw new AppError(
      "approval-required",
      `This ${subject.noun} was rejected by ${state.rejection.actorName}: ${state.rejection.reason ?? "no reason given"}. It cannot be applied; make a new ${subject.noun}.`,
      { details },
    );
  }
  const missing = state.required - state.approvedBy;
  throw new AppError(
    "approval-required",
    `This ${subject.noun} needs ${state.required === 1 ? "an approval" : `${state.required} approvals`} by ${state.required === 1 ? "an admin" : "admins"} other than its author before it can be applied; ${missing} more ${missing === 1 ? "is" : "are"} needed.`,
    { details },
  );
}
