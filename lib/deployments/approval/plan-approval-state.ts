import type { Prisma } from "../../db";
import { parseStored } from "../../db/parse-stored";
import { planDecisionSchema, type PlanApprovalView } from "../schemas";
import { planContentHash } from "../plan/plan-hash";
import {
  approvalState,
  statusBeforeContent,
  type ApprovalState,
  type ApprovalStateBeforeContent,
  type ApprovalStatus,
  type RecordedDecision,
} from "./approval-rules";
import type { Contributor } from "./contributors";

/** The instance settings the approval rules read. */
export const approvalSettingsSelect = {
  environment: true,
  approvalsRequired: true,
  automationApprovers: true,
  approvalLifetimeHours: true,
} satisfies Prisma.InstanceSelect;

/** What a plan row needs included to know its approval state. */
export const approvalInclude = {
  approvals: { orderBy: { createdAt: "asc" } },
  api: { select: { instanceId: true, instance: { select: approvalSettingsSelect } } },
} satisfies Prisma.PlanInclude;

type DecisionRow = Prisma.PlanApprovalGetPayload<object>;

export interface PlanWithApprovals {
  id: string;
  operations: unknown;
  diff: unknown;
  desiredState: unknown;
  createdBy: string;
  createdByOid: string | null;
  approvals: DecisionRow[];
  api: { instance: Prisma.InstanceGetPayload<{ select: typeof approvalSettingsSelect }> };
}

/**
 * The plan's content hash and its approval state at `now`, from its row and who wrote what it
 * brings (`contributors`, from readApproverContributors) (`hash`: the row's content hash, when the
 * caller already computed it from the same JSON).
 */
export function planApprovalState(
  plan: PlanWithApprovals,
  now: Date,
  { contributors, hash = planContentHash(plan) }: { contributors: readonly Contributor[]; hash?: string },
): ApprovalState & { hash: string } {
  const state = approvalState({
    ...beforeContent(plan, now, Array.isArray(plan.operations) && plan.operations.length === 0),
    contributors,
    planHash: hash,
  });
  return { ...state, hash };
}

/** What a plan's approval state reads but its content (operations, diff, desired state) and contributors. */
export type PlanDecisionsRow = Pick<PlanWithApprovals, "createdBy" | "createdByOid" | "approvals" | "api">;

/**
 * statusBeforeContent of a plan with something to write, from its decisions, author and
 * instance's settings alone: `waiting` means it waits whatever its content and contributors.
 */
export function planStatusBeforeContent(plan: PlanDecisionsRow, now: Date): ApprovalStatus {
  return statusBeforeContent(beforeContent(plan, now, false));
}

function beforeContent(plan: PlanDecisionsRow, now: Date, empty: boolean): ApprovalStateBeforeContent {
  return {
    settings: plan.api.instance,
    author: { oid: plan.createdByOid, name: plan.createdBy },
    empty,
    decisions: plan.approvals.map((row) => toRecordedDecision(row)),
    now,
  };
}

/** A stored decision (of a plan, or of a change set with its set hash as `planHash`). */
export function toRecordedDecision(
  row: Pick<
    DecisionRow,
    "id" | "decision" | "planHash" | "reason" | "actorType" | "actorOid" | "actorName" | "createdAt" | "expiresAt"
  >,
): RecordedDecision {
  const at = (field: string) => ({ record: `plan approval ${row.id}`, field });
  return {
    id: row.id,
    decision: parseStored(planDecisionSchema.shape.decision, row.decision, at("decision")),
    planHash: row.planHash,
    reason: row.reason,
    actorType: parseStored(planDecisionSchema.shape.actor.shape.type, row.actorType, at("actorType")),
    actorOid: row.actorOid,
    actorName: row.actorName,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
  };
}

export function toApprovalView(state: ApprovalState): PlanApprovalView {
  return {
    required: state.required,
    status: state.status,
    approvedBy: state.approvedBy,
    decisions: state.decisions.map((decision) => ({
      id: decision.id,
      decision: decision.decision,
      reason: decision.reason,
      planHash: decision.planHash,
      actor: { type: decision.actorType, oid: decision.actorOid, name: decision.actorName },
      createdAt: decision.createdAt.toISOString(),
      expiresAt: decision.expiresAt.toISOString(),
      counts: decision.counts,
      notCountedBecause: decision.notCountedBecause,
    })),
  };
}
