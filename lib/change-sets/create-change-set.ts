import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction, type AuditTx } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import type { AccessProfileVersion } from "../db/generated/client";
import { limitConcurrency } from "../apim";
import { assertApiInApim } from "../apis/find-api";
import { planVersion } from "../deployments/create-plan";
import { planReads, type PlanReads } from "../deployments/plan/plan-reads";
import type { PlanView } from "../deployments/schemas";
import { AppError } from "../errors";
import { profileEtag } from "../profiles/profile-etag";
import { saveProfileVersion } from "../profiles/save-access-profile";
import type { TemplateOrigin } from "../profiles/schemas";
import { storedProfile, storedWrittenProfile } from "../profiles/stored-profile";
import type { AccessProfile } from "../policy/profile-schema";
import { parseInput } from "../validation";
import { describeChange, type ChangeSetChange, type ProfileChange } from "./change-schema";
import { toChangeSetView } from "./change-set-view";
import { CHANGE_SET_CONCURRENCY } from "./concurrency";
import { editProfile } from "./edit-profile";
import { createChangeSetInputSchema, type ChangeSetView, type ItemStatus } from "./schemas";
import { getConfig } from "../env";
import { publishEvent } from "../notifications/publish-event";
import {
  applicable,
  changeSetApprovalSettings,
  changeSetHash,
  changeSetInclude,
  type ChangeSetRow,
} from "./set-approval";

export interface PreparedItem {
  apiId: string;
  status: ItemStatus;
  summary: string;
  blocking: Array<{ code: string; message: string }>;
  planId: string | null;
  planHash: string | null;
}

/**
 * Makes one change to many APIs: for each, the change is made to its current access profile,
 * saved as a new version (saveAccessProfile, audited as any save) and planned (createPlan). An API
 * the change does not fit, that cannot be planned, or whose plan has lint errors or blocking
 * effective-access findings is blocked (never applied) and says why; the others wait for the
 * set's approval and apply (startChangeSetApply). Nothing in APIM changes here.
 */
export async function createChangeSet(ctx: RequestContext, input: unknown): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const { apiIds, change, title } = parseInput(createChangeSetInputSchema, input, "change set");
  const byId = await findApisWithProfile(apiIds, "apiIds");
  const limit = limitConcurrency(CHANGE_SET_CONCURRENCY);
  const reads = planReads(apiIds);
  const items = await Promise.all(
    apiIds.map((apiId) => limit(() => prepareItem(ctx, reads, byId.get(apiId)!, change))),
  );
  return recordChangeSet(ctx, { title: title ?? describeChange(change), change, items });
}

/** The APIs, each with its current profile version; 404 naming (in `field`) the ids that are no API. */
export async function findApisWithProfile(
  apiIds: readonly string[],
  field: string,
): Promise<Map<string, ApiWithProfile>> {
  const apis = await getDb().api.findMany({
    where: { id: { in: [...apiIds] } },
    include: { instance: true, profileVersions: { orderBy: { version: "desc" }, take: 1 } },
  });
  const unknown = apiIds.filter((id) => !apis.some((api) => api.id === id));
  if (unknown.length > 0)
    throw new AppError("not_found", `There is no API with id ${unknown.join(", ")}.`, {
      details: { field, apiIds: unknown },
    });
  return new Map(apis.map((api) => [api.id, api]));
}

/** Stores the set, its items and `change_set.create` in one transaction. */
export async function recordChangeSet(
  ctx: RequestContext,
  { title, change, items }: { title: string; change: ChangeSetChange; items: PreparedItem[] },
): Promise<ChangeSetView> {
  const db = getDb();
  const id = randomUUID();
  const hash = changeSetHash(items);
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  const row = await auditedTransaction(db, async (tx) => {
    const created = await tx.changeSet.create({
      data: {
        id,
        title,
        change: change as Prisma.InputJsonValue,
        status: "ready",
        createdBy: ctx.actor.name,
        createdByOid: ctx.actor.oid,
        items: { create: items.map((item, position) => ({ ...item, position })) },
      },
      include: changeSetInclude,
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "change_set.create",
      target: { type: "change_set", id },
      after: {
        setHash: hash,
        title: created.title,
        change,
        apis: items.length,
        counts,
        plans: items.flatMap((item) =>
          item.planId ? [{ apiId: item.apiId, planId: item.planId, planHash: item.planHash }] : [],
        ),
      },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    await requestApproval(ctx, tx, created, hash);
    return created;
  });
  return toChangeSetView(row);
}

/**
 * A set that needs approval asks for it once, for all its plans (none of which asks on its own):
 * `approval.request` audited with the set hash, and one `approval.requested` event with the set's
 * link to the webhooks of every instance it changes (and the global ones).
 */
async function requestApproval(ctx: RequestContext, tx: AuditTx, set: ChangeSetRow, setHash: string) {
  const required = changeSetApprovalSettings(set.items).approvalsRequired;
  const applied = set.items.filter(applicable);
  if (required === 0 || applied.length === 0) return;
  const instanceIds = [...new Set(applied.map((item) => item.api.instanceId))];
  const apis = `${applied.length} API${applied.length === 1 ? "" : "s"}`;
  await appendAuditEvent(tx, {
    actor: ctx.actor,
    action: "approval.request",
    target: { type: "change_set", id: set.id },
    after: { setHash, instanceIds, apis: applied.length, approvalsRequired: required },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  await publishEvent(tx, {
    type: "approval.requested",
    instanceId: instanceIds.length === 1 ? instanceIds[0]! : null,
    alsoForInstanceIds: instanceIds,
    data: {
      changeSetId: set.id,
      setHash,
      title: set.title,
      apis: applied.length,
      approvalsRequired: required,
      requestedBy: ctx.actor.name,
      link: `${getConfig().appUrl}/change-sets/${set.id}`,
      summary: `${ctx.actor.name} asks for ${required} approval${required === 1 ? "" : "s"} of change set "${set.title}" (${apis}): ${getConfig().appUrl}/change-sets/${set.id}`,
    },
  });
}

export type ApiWithProfile = Prisma.ApiGetPayload<{ include: { instance: true; profileVersions: true } }>;

async function prepareItem(
  ctx: RequestContext,
  reads: PlanReads,
  api: ApiWithProfile,
  change: ProfileChange,
): Promise<PreparedItem> {
  const base = { apiId: api.id, planId: null, planHash: null };
  const blocked = (code: string, message: string): PreparedItem => ({
    ...base,
    status: "blocked",
    summary: "Not changed.",
    blocking: [{ code, message }],
  });
  const current = api.profileVersions[0];
  if (!current)
    return blocked("no-profile", "This API has no access profile yet; save one before changing it in a set.");
  // The profile as written, so its ${name} variables stay variables (saveAccessProfile resolves them).
  const edit = editProfile(storedWrittenProfile(current) ?? storedProfile(current), change);
  if (edit.kind === "refused") return blocked("change-refused", edit.reason);
  if (edit.kind === "unchanged") return planSavedVersion(ctx, reads, api);
  return saveAndPlan(ctx, reads, api, { profile: edit.profile, ifMatch: profileEtag(current.version) });
}

/**
 * Saves one API's new profile version (If-Match of the version it replaces) and plans it with the
 * set's shared `reads` (planInSet).
 */
export async function saveAndPlan(
  ctx: RequestContext,
  reads: PlanReads,
  api: ApiWithProfile,
  save: {
    profile: AccessProfile;
    ifMatch: string | null;
    adopt?: boolean;
    promotedFrom?: { apiId: string; instance: string; version: number };
    template?: TemplateOrigin;
  },
): Promise<PreparedItem> {
  return planInSet(ctx, reads, api, () =>
    saveProfileVersion(ctx, { apiId: api.id, ...save }, { api, current: api.profileVersions[0] ?? null }),
  );
}

/**
 * An API whose current version already says what the set asks: nothing is saved, but that version
 * is planned against APIM all the same, as `terraform plan` compares with what is deployed. A
 * version saved by an earlier set (or plan) that was never applied is `planned` and says so;
 * `unchanged` only when APIM already holds it.
 */
export async function planSavedVersion(ctx: RequestContext, reads: PlanReads, api: ApiWithProfile) {
  const current = api.profileVersions[0]!;
  const item = await planInSet(ctx, reads, api, async () => current);
  if (item.status === "unchanged")
    return { ...item, summary: "Its profile already is this one and APIM has it: nothing saved." };
  if (item.planId === null) return item;
  return { ...item, summary: `Saved earlier as version ${current.version}, not applied yet: ${item.summary}` };
}

/**
 * Plans the version `versionToPlan` answers with the set's shared `reads`: blocked when saving or
 * planning is refused or the plan has lint errors or blocking effective-access findings. The set
 * asks for the approval of its plans as one (recordChangeSet).
 */
async function planInSet(
  ctx: RequestContext,
  reads: PlanReads,
  api: ApiWithProfile,
  versionToPlan: () => Promise<AccessProfileVersion>,
): Promise<PreparedItem> {
  const base = { apiId: api.id, planId: null, planHash: null };
  let plan: PlanView;
  try {
    assertApiInApim(api);
    const version = await versionToPlan();
    plan = await planVersion(ctx, { api, version, purpose: "profile" }, { reads, inChangeSet: true });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      ...base,
      status: "blocked",
      summary: "Not changed.",
      blocking: [{ code: error.code, message: error.message }],
    };
  }
  const planned = { ...base, planId: plan.id, planHash: plan.hash, summary: plan.diff.summary };
  const blocking = [
    ...plan.diff.lint.findings
      .filter((finding) => finding.severity === "error")
      .map((finding) => ({ code: finding.code, message: `Line ${finding.line}: ${finding.message}` })),
    ...(plan.diff.effectiveAccess?.findings ?? [])
      .filter((finding) => finding.severity === "blocking")
      .map((finding) => ({
        code: finding.code,
        message: `${finding.scope} policy${finding.scopeId ? ` ${finding.scopeId}` : ""}, line ${finding.line}: ${finding.message}`,
      })),
  ];
  if (blocking.length > 0) return { ...planned, status: "blocked", blocking };
  if (plan.empty) return { ...planned, status: "unchanged", blocking: [] };
  return { ...planned, status: "planned", blocking: [] };
}
