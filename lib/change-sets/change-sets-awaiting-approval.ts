import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { writtenBy } from "../deployments/approval/contributors";
import { toApprovalView } from "../deployments/approval/plan-approval-state";
import { readPlanContributors } from "../deployments/approval/read-plan-contributors";
import type { ChangeSetAwaitingApproval } from "./schemas";
import {
  applicable,
  asksForApproval,
  changeSetApprovalState,
  changeSetDecisionsSelect,
  changeSetInclude,
  changeSetStatusBeforeContent,
  setContributors,
  setPlanIds,
} from "./set-approval";
import { storedSetVariables, variableInstancesOf } from "./set-variables";

/**
 * Change sets waiting for approval: not applied yet (`ready`), needing approvals (one covers the
 * whole set, bound to its hash), not rejected and without enough approvals that count now — an
 * expired approval no longer counts, so a set whose approval expired waits again. The author's
 * own sets are listed too, marked `ownSet`, as plans are, and what the viewer wrote of the inputs
 * of any of its plans (`contributed`: they cannot approve it either). Oldest first. Read through
 * listAwaitingApproval (lib/approvals), which checks config.read once for every kind it reads.
 */
export async function changeSetsAwaitingApproval(ctx: RequestContext): Promise<ChangeSetAwaitingApproval[]> {
  const waiting = await waitingChangeSets(getDb(), { status: "ready" }, new Date());
  return waiting.map(({ row, variables, state, contributors }) => {
    const counting = state.decisions.filter((decision) => decision.counts && decision.decision === "approved");
    const firstExpiry = Math.min(...counting.map((decision) => decision.expiresAt.getTime()));
    return {
      id: row.id,
      title: row.title,
      variables,
      hash: state.hash,
      createdAt: row.createdAt.toISOString(),
      createdBy: row.createdBy,
      approval: toApprovalView(state),
      supersedes: row.supersedes,
      apis: row.items.filter(applicable).length,
      ownSet: row.createdByOid === ctx.actor.oid,
      contributed: writtenBy(contributors, ctx.actor),
      approvalExpiresAt: counting.length > 0 ? new Date(firstExpiry).toISOString() : null,
    };
  });
}

/**
 * How many sets changeSetsAwaitingApproval lists, for the console header's count, without reading
 * what it shows: of the same sets, their decisions, author and instances' settings decide most
 * (changeSetStatusBeforeContent); only those that could be approved or rejected are read as the
 * list reads them (their plans' hashes and contributors).
 */
export async function countChangeSetsAwaitingApproval(): Promise<number> {
  const db = getDb();
  const now = new Date();
  const rows = await withVariableInstances(
    db,
    await db.changeSet.findMany({ where: { status: "ready" }, select: changeSetDecisionsSelect }),
  );
  const statuses = rows.map((set) => ({ id: set.id, status: changeSetStatusBeforeContent(set, now) }));
  const undecided = statuses.filter(({ status }) => status === "approved" || status === "rejected");
  const waiting = statuses.filter(({ status }) => status === "waiting").length;
  if (undecided.length === 0) return waiting;
  const ids = undecided.map(({ id }) => id);
  return waiting + (await waitingChangeSets(db, { status: "ready", id: { in: ids } }, now)).length;
}

/** The sets `where` selects whose approval state at `now` is waiting, oldest first, with their state and contributors. */
async function waitingChangeSets(db: ReturnType<typeof getDb>, where: Prisma.ChangeSetWhereInput, now: Date) {
  const rows = await withVariableInstances(
    db,
    await db.changeSet.findMany({ where, include: changeSetInclude, orderBy: { createdAt: "asc" } }),
  );
  const asking = rows.filter((set) => asksForApproval(set));
  // Who wrote what the plans of every set asking for approval bring, in one statement: their
  // approvals do not count, and the viewer's part is marked.
  const byPlan = await readPlanContributors(
    db,
    asking.flatMap((set) => setPlanIds(set)),
  );
  return asking.flatMap((row) => {
    const contributors = setContributors(row, byPlan);
    const state = changeSetApprovalState({ ...row, approverContributors: contributors }, now);
    return state.status === "waiting" ? [{ row, variables: storedSetVariables(row), state, contributors }] : [];
  });
}

/**
 * Each set with the instances of the environment whose variables it changes (none when it changes
 * none): their settings count for its approval. Each environment is read once.
 */
async function withVariableInstances<Row extends { id: string; variables: Prisma.JsonValue }>(
  db: ReturnType<typeof getDb>,
  rows: Row[],
) {
  const environments = [...new Set(rows.flatMap((row) => storedSetVariables(row)?.environment ?? []))];
  const instancesOf = new Map(
    await Promise.all(
      environments.map(async (environment) => [environment, await variableInstancesOf(db, environment)] as const),
    ),
  );
  return rows.map((row) => {
    const environment = storedSetVariables(row)?.environment;
    return { ...row, variableInstances: environment ? (instancesOf.get(environment) ?? []) : [] };
  });
}
