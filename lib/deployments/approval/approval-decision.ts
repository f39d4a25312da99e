import { randomUUID } from "node:crypto";
import type { AuditInput } from "../../audit/audit-input";
import type { RequestContext } from "../../auth/request-context";
import type { ApprovalSubject } from "./approval-subject";

const HOUR_MS = 3_600_000;

export interface ApprovalDecision {
  decision: "approved" | "rejected";
  reason: string | null;
}

/**
 * The columns every approval row has (plan_approvals, change_set_approvals), besides what it
 * approves and that content's hash: who decided what and why, when, and until when it counts.
 */
export function decisionRow(ctx: RequestContext, input: ApprovalDecision, now: Date, lifetimeHours: number) {
  return {
    id: randomUUID(),
    decision: input.decision,
    reason: input.reason,
    actorType: ctx.actor.type,
    actorOid: ctx.actor.oid,
    actorName: ctx.actor.name,
    createdAt: now,
    expiresAt: new Date(now.getTime() + lifetimeHours * HOUR_MS),
  };
}

/** The audit event of a decision on a plan or change set bound to `hash`: recorded, or refused (denied). */
export function decisionEvent(
  ctx: RequestContext,
  input: ApprovalDecision,
  subject: ApprovalSubject,
  target: { id: string; hash: string },
  outcome: "success" | "denied",
): AuditInput {
  return {
    actor: ctx.actor,
    action: input.decision === "approved" ? "approval.approve" : "approval.reject",
    target: { type: subject.type, id: target.id },
    after: { [subject.hashKey]: target.hash, ...(input.reason === null ? {} : { reason: input.reason }) },
    outcome,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  };
}
