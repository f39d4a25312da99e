import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { writtenBy } from "../deployments/approval/contributors";
import { toApprovalView } from "../deployments/approval/plan-approval-state";
import { readPlanContributors } from "../deployments/approval/read-plan-contributors";
import type { ChangeSetAwaitingApproval } from "./schemas";
import {
  applicable,
  asksForApproval,
  changeSetApprovalState,
  changeSetInclude,
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
  const db = getDb();
  const rows = await db.changeSet.findMany({
    where: { status: "ready" },
    include: changeSetInclude,
    orderBy: { createdAt: "asc" },
  });
  // A set changing an environment's variables needs that environment's instances' settings: read each environment once.
  const environments = [...new Set(rows.flatMap((row) => storedSetVariables(row)?.environment ?? []))];
  const instancesOf = new Map(
    await Promise.all(
      environments.map(async (environment) => [environment, await variableInstancesOf(db, environment)] as const),
    ),
  );
  const asking = rows.flatMap((row) => {
    const variables = storedSetVariables(row);
    const set = { ...row, variableInstances: variables ? (instancesOf.get(variables.environment) ?? []) : [] };
    return asksForApproval(set) ? [{ row, variables, set }] : [];
  });
  // Who wrote what the plans of every set asking for approval bring, in one statement: their
  // approvals do not count, and the viewer's part is marked.
  const contributors = await readPlanContributors(
    db,
    asking.flatMap(({ row }) => setPlanIds(row)),
  );
  const now = new Date();
  const waiting = asking.flatMap(({ row, variables, set }) => {
    const state = changeSetApprovalState({ ...set, approverContributors: setContributors(row, contributors) }, now);
    return state.status === "waiting" ? [{ row, variables, state }] : [];
  });
  return waiting.map(({ row, variables, state }) => {
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
      contributed: writtenBy(setContributors(row, contributors), ctx.actor),
      approvalExpiresAt: counting.length > 0 ? new Date(firstExpiry).toISOString() : null,
    };
  });
}
