import type { AuditTx } from "../../audit/append-audit-event";

/**
 * What is approved: a plan (plan_approvals), a whole change set (change_set_approvals,
 * lib/change-sets) or a change lowering an instance's approval settings
 * (instance_settings_change_approvals, lib/instances). All follow the same rules, rows and audit
 * events; this says where they differ.
 */
export interface ApprovalSubject {
  type: "plan" | "change_set" | "instance_settings_change";
  /** What it is called in messages. */
  noun: "plan" | "change set" | "settings change";
  /** The key of the approved content's hash in events and error details, as the subject's other events name it. */
  hashKey: "planHash" | "setHash" | "changeHash";
  /** Marks the approval's expiry as recorded unless it already was; false when it was (conditional, so two requests record it once). */
  markRecorded(tx: AuditTx, approvalId: string, now: Date): Promise<boolean>;
}

/** A subject someone applies once approved (a settings change applies with its last approval). */
export interface AppliedApprovalSubject extends ApprovalSubject {
  /** The audit action of an apply refused for want of approvals. */
  refuseAction: "deployment.refuse" | "change_set.apply.refuse";
}

export const PLAN_APPROVALS: AppliedApprovalSubject = {
  type: "plan",
  noun: "plan",
  hashKey: "planHash",
  refuseAction: "deployment.refuse",
  markRecorded: async (tx, id, now) =>
    (await tx.planApproval.updateMany({ where: { id, expiryAuditedAt: null }, data: { expiryAuditedAt: now } }))
      .count === 1,
};
