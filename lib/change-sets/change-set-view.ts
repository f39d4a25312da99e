import { z } from "zod";
import { toApprovalView } from "../deployments/approval/plan-approval-state";
import { parseStored } from "../db/parse-stored";
import { changeSetChangeSchema } from "./change-schema";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import {
  changeSetSchema,
  followingChangeSchema,
  itemStatusSchema,
  type ChangeSetItemView,
  type ChangeSetSummary,
  type ChangeSetView,
  type ItemStatus,
} from "./schemas";
import { applicable, changeSetApprovalState, type ChangeSetRecord, type ChangeSetRow } from "./set-approval";
import { storedSetVariables } from "./set-variables";

const blockingSchema = z.array(z.object({ code: z.string(), message: z.string() }));
const ENDED: readonly ItemStatus[] = ["succeeded", "failed", "conflicted", "cancelled"];
/** Shown first: what needs someone's attention. */
const ATTENTION: readonly ItemStatus[] = ["failed", "conflicted", "blocked"];

/** The change set as shown: approval state, progress, and each API, failures first. */
export function toChangeSetView(row: ChangeSetRow, now: Date = new Date()): ChangeSetView {
  const approval = changeSetApprovalState(row, now);
  const items = row.items.map((item) => toItemView(row.id, item));
  const ordered = [
    ...items.filter((item) => ATTENTION.includes(item.status)),
    ...items.filter((item) => !ATTENTION.includes(item.status)),
  ];
  return {
    id: row.id,
    title: row.title,
    change: parseStored(changeSetChangeSchema, row.change, { record: `change set ${row.id}`, field: "change" }),
    variables: storedSetVariables(row),
    status: displayedStatus(row),
    supersededBy: supersededByOf(row),
    supersedes: row.supersedes,
    source: row.source,
    hash: approval.hash,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    applyStartedAt: row.applyStartedAt?.toISOString() ?? null,
    applyStartedBy: row.applyStartedBy,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    approval: toApprovalView(approval),
    progress: progressOf(row, items, now),
    concurrency: CHANGE_SET_CONCURRENCY,
    items: ordered,
  };
}

export function toChangeSetSummary(row: ChangeSetRecord, now: Date = new Date()): ChangeSetSummary {
  const items = row.items.map((item) => toItemView(row.id, item));
  return {
    id: row.id,
    title: row.title,
    status: displayedStatus(row),
    supersededBy: supersededByOf(row),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    progress: progressOf(row, items, now),
    apis: items.length,
  };
}

function displayedStatus(row: ChangeSetRecord): ChangeSetView["status"] {
  const status = parseStored(changeSetSchema.shape.status, row.status, {
    record: `change set ${row.id}`,
    field: "status",
  });
  return status === "applying" && row.cancelRequestedAt !== null ? "cancelling" : status;
}

function supersededByOf(row: ChangeSetRecord): ChangeSetView["supersededBy"] {
  if (!row.supersededBy || !row.supersededAt) return null;
  return { ...row.supersededBy, at: row.supersededAt.toISOString() };
}

function toItemView(setId: string, item: ChangeSetRecord["items"][number]): ChangeSetItemView {
  const at = (field: string) => ({ record: `change set ${setId} item ${item.apiId}`, field });
  return {
    apiId: item.apiId,
    apiName: item.api.displayName || item.api.apimName,
    apimName: item.api.apimName,
    instanceId: item.api.instanceId,
    instanceName: item.api.instance.name,
    status: parseStored(itemStatusSchema, item.status, at("status")),
    summary: item.summary,
    blocking: parseStored(blockingSchema, item.blocking, at("blocking")),
    planId: item.planId,
    profileVersion: item.plan?.profileVersion?.version ?? null,
    following: parseStored(followingChangeSchema.nullable(), item.following, at("following")),
    deploymentId: item.deploymentId,
    error: item.error,
    startedAt: item.startedAt?.toISOString() ?? null,
    finishedAt: item.finishedAt?.toISOString() ?? null,
  };
}

/**
 * n of N and the time left: the APIs that ended since the apply (re)started, over the time it has
 * run, give the pace; the APIs not yet ended take that pace.
 */
function progressOf(row: ChangeSetRecord, items: readonly ChangeSetItemView[], now: Date): ChangeSetView["progress"] {
  const counts: Partial<Record<ItemStatus, number>> = {};
  for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  const total = row.items.filter(applicable).length;
  const done = items.filter((item) => ENDED.includes(item.status)).length;
  let estimatedSecondsLeft: number | null = null;
  if (row.status === "applying" && row.applyStartedAt) {
    const since = row.applyStartedAt.getTime();
    const endedThisRun = row.items.filter(
      (item) =>
        item.finishedAt !== null && item.finishedAt.getTime() >= since && ENDED.includes(item.status as ItemStatus),
    ).length;
    const remaining = items.filter((item) => item.status === "queued" || item.status === "running").length;
    const elapsed = (now.getTime() - since) / 1000;
    if (endedThisRun > 0) estimatedSecondsLeft = Math.ceil((remaining * elapsed) / endedThisRun);
  }
  return { total, done, counts, estimatedSecondsLeft };
}
