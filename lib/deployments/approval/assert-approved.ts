import { AppError } from "../../errors";
import type { ApprovalState } from "./approval-rules";

/**
 * Refuses to apply a plan its instance requires approvals for and that does not have them (or
 * was rejected), with `approval-required` (409 over REST) and a message saying what is missing.
 */
export function assertApproved(state: ApprovalState & { hash: string }): void {
  if (state.status === "not_required" || state.status === "approved") return;
  const details = {
    planHash: state.hash,
    approvalsRequired: state.required,
    approvedBy: state.approvedBy,
    approvalStatus: state.status,
  };
  if (state.rejection) {
    throw new AppError(
      "approval-required",
      `This plan was rejected by ${state.rejection.actorName}: ${state.rejection.reason ?? "no reason given"}. It cannot be applied; make a new plan.`,
      { details },
    );
  }
  const missing = state.required - state.approvedBy;
  throw new AppError(
    "approval-required",
    `This plan needs ${state.required === 1 ? "an approval" : `${state.required} approvals`} by ${state.required === 1 ? "an admin" : "admins"} other than its author before it can be applied; ${missing} more ${missing === 1 ? "is" : "are"} needed.`,
    { details },
  );
}
