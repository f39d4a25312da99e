import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import { type Prisma } from "../db";
import {
  approvalState,
  effectiveApprovalsRequired,
  statusBeforeContent,
  type ApprovalSettings,
  type ApprovalStateBeforeContent,
  type ApprovalStatus,
} from "../deployments/approval/approval-rules";
import type { AppliedApprovalSubject } from "../deployments/approval/approval-subject";
import type { Contributor } from "../deployments/approval/contributors";
import { readPlanContributors } from "../deployments/approval/read-plan-contributors";
import { approvalSettingsSelect, toRecordedDecision } from "../deployments/approval/plan-approval-state";
import { planContentHash } from "../deployments/plan/plan-hash";
import type { PlanToApply } from "../deployments/start-deployment";
import { AppError } from "../errors";
import type { ChangeSetVariables } from "./schemas";
import { storedSetVariables, type VariableInstance } from "./set-variables";

/** An instance's approval settings as read (approvalSettingsSelect). */
type ApprovalSettingsRow = Prisma.InstanceGetPayload<{ select: typeof approvalSettingsSelect }>;

/** What a change set row needs included to know its hash and approval state. */
export const changeSetInclude = {
  items: {
    orderBy: { position: "asc" },
    include: {
      api: {
        select: {
          apimName: true,
          displayName: true,
          instanceId: true,
          instance: { select: { ...approvalSettingsSelect, name: true } },
        },
      },
      plan: { select: { profileVersion: { select: { version: true } } } },
    },
  },
  approvals: { orderBy: { createdAt: "asc" } },
  supersededBy: { select: { id: true, title: true } },
  supersedes: { select: { id: true, title: true }, orderBy: { createdAt: "asc" } },
} satisfies Prisma.ChangeSetInclude;

/** A set as read from its table. */
export type ChangeSetRecord = Prisma.ChangeSetGetPayload<{ include: typeof changeSetInclude }>;
/**
 * A set with, when it changes an environment's variables, that environment's instances: their
 * approval settings count whether or not the set changes a profile on them; and who wrote what its
 * plans bring, when it holds an approval to judge by it (approverContributorsOfSet).
 */
export type ChangeSetRow = ChangeSetRecord & {
  variableInstances: readonly VariableInstance[];
  approverContributors: readonly Contributor[];
};

/** Items the set applies: neither blocked nor unchanged. */
export function applicable(item: { status: string }): boolean {
  return item.status !== "blocked" && item.status !== "unchanged";
}

/**
 * The instances a set changes: those of the APIs it applies and, when it changes an environment's
 * variables, that environment's. Their webhooks hear of its approval being requested and expiring.
 */
export function changedInstanceIds(set: {
  items: ReadonlyArray<{ status: string; api: { instanceId: string } }>;
  variableInstances: ReadonlyArray<{ id: string }>;
}): string[] {
  return [
    ...new Set([
      ...set.items.filter(applicable).map((item) => item.api.instanceId),
      ...set.variableInstances.map((instance) => instance.id),
    ]),
  ];
}

/**
 * The webhooks a set's approval events go to (requested, expired, superseded): those of every
 * instance it changes, as one event.
 */
export function approvalEventAddress(set: Parameters<typeof changedInstanceIds>[0]) {
  const instanceIds = changedInstanceIds(set);
  return { instanceId: instanceIds.length === 1 ? instanceIds[0]! : null, alsoForInstanceIds: instanceIds };
}

/** Whether the set asks for approval: its instances require some, and it has something to apply. */
export function asksForApproval(set: Pick<ChangeSetRow, "items" | "variableInstances" | "variables">): boolean {
  const required = changeSetApprovalSettings(set).approvalsRequired;
  return required !== 0 && (set.items.some(applicable) || set.variables !== null);
}

/**
 * The set's hash: SHA-256 over the canonical JSON of (API, plan, plan content hash) of every plan
 * it holds, in order, and of the variable changes it writes (environment, each name, before and
 * after), when it has any. One approval is bound to it, so it covers exactly these plans' contents
 * and these values.
 */
export function changeSetHash(
  items: ReadonlyArray<{ apiId: string; planId: string | null; planHash: string | null }>,
  variables: ChangeSetVariables | null,
) {
  const plans = items
    .filter((item) => item.planId !== null)
    .map(({ apiId, planId, planHash }) => ({ apiId, planId, planHash }));
  // A set without variables hashes as before they existed, so its recorded approvals still match.
  return createHash("sha256")
    .update(canonicalJson(variables ? { plans, variables } : plans))
    .digest("hex");
}

/**
 * The approval rules of one plan (approval-rules.ts) applied to the whole set: it needs the most
 * approvals any instance it changes requires, accepts automation's only where every one of them
 * does, and an approval lasts the shortest lifetime among them. A set that changes an
 * environment's variables changes every instance of that environment.
 */
export function changeSetApprovalSettings(set: {
  items: ReadonlyArray<{ status: string; api: { instance: ApprovalSettingsRow } }>;
  variableInstances: readonly ApprovalSettingsRow[];
}): ApprovalSettings & { approvalLifetimeHours: number } {
  const instances = [...set.items.filter(applicable).map((item) => item.api.instance), ...set.variableInstances];
  return {
    environment: null,
    approvalsRequired: Math.max(0, ...instances.map((instance) => effectiveApprovalsRequired(instance))),
    automationApprovers: instances.every((instance) => instance.automationApprovers),
    approvalLifetimeHours: Math.min(24 * 30, ...instances.map((instance) => instance.approvalLifetimeHours)),
  };
}

export function changeSetApprovalState(set: ChangeSetRow, now: Date) {
  const variables = storedSetVariables(set);
  const hash = changeSetHash(set.items, variables);
  const input = beforeContent(set, now, variables);
  const state = approvalState({ ...input, contributors: set.approverContributors, planHash: hash });
  return { ...state, hash, settings: input.settings };
}

/** What changeSetStatusBeforeContent reads of a set: no plan, no hash, no contributor. */
export const changeSetDecisionsSelect = {
  id: true,
  variables: true,
  createdBy: true,
  createdByOid: true,
  approvals: changeSetInclude.approvals,
  items: { select: { status: true, api: { select: { instance: { select: approvalSettingsSelect } } } } },
} satisfies Prisma.ChangeSetSelect;

/** A set as changeSetStatusBeforeContent reads it, with the instances of the environment whose variables it changes. */
export type ChangeSetDecisionsRow = Prisma.ChangeSetGetPayload<{ select: typeof changeSetDecisionsSelect }> & {
  variableInstances: readonly ApprovalSettingsRow[];
};

/**
 * statusBeforeContent of a set, from its decisions, author and the settings of its instances
 * alone: `waiting` means it waits whatever its hash and contributors.
 */
export function changeSetStatusBeforeContent(set: ChangeSetDecisionsRow, now: Date): ApprovalStatus {
  return statusBeforeContent(beforeContent(set, now, storedSetVariables(set)));
}

function beforeContent(
  set: ChangeSetDecisionsRow,
  now: Date,
  variables: ChangeSetVariables | null,
): ApprovalStateBeforeContent & { settings: ReturnType<typeof changeSetApprovalSettings> } {
  return {
    settings: changeSetApprovalSettings(set),
    author: { oid: set.createdByOid, name: set.createdBy },
    empty: !set.items.some(applicable) && variables === null,
    decisions: set.approvals.map((row) => toRecordedDecision({ ...row, planHash: row.setHash })),
    now,
  };
}

/**
 * Who wrote what the set's plans bring (`byPlan`: readPlanContributors of them), as the approval
 * rules judge an approval of the whole set by: a writer of any of its plans' inputs.
 */
export function setContributors(
  set: { items: ReadonlyArray<{ planId: string | null }> },
  byPlan: ReadonlyMap<string, readonly Contributor[]>,
): Contributor[] {
  return setPlanIds(set).flatMap((planId) => byPlan.get(planId) ?? []);
}

/**
 * setContributors as a set's approvals are judged by them, read only when it holds an approval:
 * without one there is nothing to judge, so applying a set nobody approved reads nothing more.
 */
export async function approverContributorsOfSet(
  db: Prisma.TransactionClient,
  set: Pick<ChangeSetRecord, "items" | "approvals">,
): Promise<Contributor[]> {
  return holdsApproval(set) ? readSetContributors(db, set) : [];
}

/**
 * Who wrote what the set's plans bring, for judging a new approval: what findChangeSetOrThrow
 * already read when the set holds one, read now otherwise.
 */
export async function contributorsOfSet(db: Prisma.TransactionClient, set: ChangeSetRow): Promise<Contributor[]> {
  return holdsApproval(set) ? [...set.approverContributors] : readSetContributors(db, set);
}

function holdsApproval(set: Pick<ChangeSetRecord, "approvals">): boolean {
  return set.approvals.some((row) => row.decision === "approved");
}

async function readSetContributors(
  db: Prisma.TransactionClient,
  set: { items: ReadonlyArray<{ planId: string | null }> },
): Promise<Contributor[]> {
  return setContributors(set, await readPlanContributors(db, setPlanIds(set)));
}

/** The ids of the set's plans (an API left unchanged or blocked may have none). */
export function setPlanIds(set: { items: ReadonlyArray<{ planId: string | null }> }): string[] {
  return set.items.flatMap((item) => (item.planId === null ? [] : [item.planId]));
}

/** A plan of a set as applying reads it, with its content hash as computed from its row. */
export interface PlanOfSet {
  plan: PlanToApply;
  hash: string;
}

/**
 * The set's plans, refusing a set whose plans no longer have the content they had when it was
 * made (a plan row changed outside Portcullis): its hash, and so every approval, would be about
 * other plans. Applying goes on with the plans read here.
 */
export async function unchangedPlans(db: Prisma.TransactionClient, set: ChangeSetRow): Promise<Map<string, PlanOfSet>> {
  return refuseChangedPlans(set, await readPlansOfSet(db, set.items));
}

/** `plans` (the set's, as read), refusing a set one of whose plans changed as unchangedPlans does. */
export function refuseChangedPlans(set: ChangeSetRow, plans: Map<string, PlanOfSet>): Map<string, PlanOfSet> {
  const changed = set.items.filter((item) => item.planId !== null && plans.get(item.planId)?.hash !== item.planHash);
  if (changed.length > 0)
    throw new AppError(
      "conflict",
      `The plans of ${changed.map((item) => item.api.apimName).join(", ")} changed since this change set was made; make a new change set.`,
    );
  return plans;
}

/** The plans of `items` (each with its API and instance, as queueDeployment needs), by id, each with its content hash. */
export async function readPlansOfSet(
  db: Prisma.TransactionClient,
  items: ReadonlyArray<{ planId: string | null }>,
): Promise<Map<string, PlanOfSet>> {
  return readPlans(db, { id: { in: setPlanIds({ items }) } });
}

/** readPlansOfSet by the set's id (a uuid): read without waiting for the set's row. */
export async function readPlansOfChangeSet(
  db: Prisma.TransactionClient,
  changeSetId: string,
): Promise<Map<string, PlanOfSet>> {
  return readPlans(db, { changeSetItems: { some: { changeSetId } } });
}

async function readPlans(db: Prisma.TransactionClient, where: Prisma.PlanWhereInput): Promise<Map<string, PlanOfSet>> {
  const plans = await db.plan.findMany({ where, include: { api: { include: { instance: true } } } });
  return new Map(plans.map((plan) => [plan.id, { plan, hash: planContentHash(plan) }]));
}

/** Change set approvals: recorded, refused and expired as a plan's are (lib/deployments/approval). */
export const CHANGE_SET_APPROVALS: AppliedApprovalSubject = {
  type: "change_set",
  noun: "change set",
  hashKey: "setHash",
  refuseAction: "change_set.apply.refuse",
  markRecorded: async (tx, id, now) =>
    (await tx.changeSetApproval.updateMany({ where: { id, expiryAuditedAt: null }, data: { expiryAuditedAt: now } }))
      .count === 1,
};
