import { randomUUID } from "node:crypto";
import { auditedStatement } from "../audit/append-audit-event";
import { assertApiInApim, findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import type { AccessProfileVersion } from "../db/generated/client";
import { AppError } from "../errors";
import { checkPlannedAccess } from "../access/check-planned-access";
import { readAccessScopes } from "../access/read-api-access";
import { publishEventSql } from "../notifications/publish-event";
import { storedProfile } from "../profiles/stored-profile";
import { desiredBackendOf } from "./backend-fields";
import { findLastApplied } from "./last-applied";
import { effectiveApprovalsRequired } from "./approval/approval-rules";
import { computePlan } from "./plan/compute-plan";
import { ownedBackends } from "./plan/owned-backends";
import { planReads, type PlanReads } from "./plan/plan-reads";
import { planContentHash } from "./plan/plan-hash";
import { toPlanView } from "./plan/plan-view";
import { readLiveState } from "./plan/read-live-state";
import type { PlanDiff, PlanView } from "./schemas";

export interface CreatePlanInput {
  apiId: string;
  /** `profile` (default): match the current profile version. `drift`: restore the last applied one. */
  purpose?: "profile" | "drift";
}

/**
 * Reads the API's live state from APIM and stores the exact ARM writes (with the ETags read)
 * that would make it match the access profile, with a readable diff, lint findings and what the
 * other scopes make of it (effective access: a finding that undoes the profile blocks the plan).
 * Nothing in APIM changes here; startDeployment applies the plan.
 */
export async function createPlan(ctx: RequestContext, input: CreatePlanInput): Promise<PlanView> {
  await authorize(ctx, "config.write");
  const purpose = input.purpose ?? "profile";
  const db = getDb();
  const api = await findApiOrThrow(db, input.apiId, { profileVersions: { orderBy: { version: "desc" }, take: 1 } });
  assertApiInApim(api);
  const version = await versionToPlan(db, api, purpose);
  return planVersion(ctx, { api, version, purpose }, { reads: planReads([api.id]) });
}

/**
 * Plans one version of an API's profile, with what the caller already holds: createPlan's work
 * once the API and version are found and config.write is checked. A change set plans many APIs
 * with one `reads` (what their plans read alike is read once) and `inChangeSet`: the set asks
 * for the approval of all its plans at once (recordChangeSet), so a plan of it neither records
 * its own approval request nor announces one.
 */
export async function planVersion(
  ctx: RequestContext,
  { api, version, purpose }: { api: PlannedApi; version: AccessProfileVersion; purpose: "profile" | "drift" },
  { reads, inChangeSet = false }: { reads: PlanReads; inChangeSet?: boolean },
): Promise<PlanView> {
  const db = getDb();
  const profile = storedProfile(version);
  const owned = await ownedBackends(db, api, await reads.backendSteps(api.id));
  const backendIds = new Set(
    [desiredBackendOf(profile)?.backendId, ...owned.map((backend) => backend.backendId)].filter(
      (id) => id !== undefined,
    ),
  );
  // The other scopes are read beside the live state: the analysis below only needs the policy the plan writes.
  // Both read the API's policy and the named values: one request each, so both judge the same APIM.
  const apim = reads.apim(api.instance);
  const [live, scopes, fingerprints] = await Promise.all([
    readLiveState(apim, api.apimName, profile, [...backendIds], ctx.requestId),
    readAccessScopes(apim, api.apimName, profile, ctx.requestId),
    reads.fingerprints(api.instanceId),
  ]);
  const computed = computePlan({
    apimName: api.apimName,
    instanceName: api.instance.name,
    profile,
    profileVersion: version.version,
    adopt: version.adoptsHandWritten,
    live,
    owned,
    fingerprints,
    tier: api.instance.tier === "Consumption" ? "consumption" : "dedicated",
  });

  // What the other scopes (global, products, operations) make of the policy the plan writes.
  const effectiveAccess = checkPlannedAccess(api, scopes, {
    profileVersion: version.version,
    policyXml: computed.diff.policy.after,
  });
  const diffWithAccess: PlanDiff = { ...computed.diff, effectiveAccess };

  // One statement: the plan and its event (an apply's database work is its cost, see
  // bench/README.md). Every value is chosen here, so nothing needs reading back.
  const stored = (value: unknown) => JSON.stringify(value);
  const [operations, diff, desiredState] = [
    stored(computed.operations),
    stored(diffWithAccess),
    stored(computed.desired),
  ];
  const plan = {
    id: randomUUID(),
    apiId: api.id,
    profileVersionId: version.id,
    purpose,
    // As read back from the database: what the view shows is what was stored.
    operations: JSON.parse(operations) as Prisma.JsonValue,
    diff: JSON.parse(diff) as Prisma.JsonValue,
    desiredState: JSON.parse(desiredState) as Prisma.JsonValue,
    createdAt: new Date(),
    createdBy: ctx.actor.name,
    createdByOid: ctx.actor.oid,
  };
  const hash = planContentHash(plan);
  // A plan with nothing to write needs no approval (approval-rules.ts); a change set's asks as a set.
  const required = computed.operations.length > 0 && !inChangeSet ? effectiveApprovalsRequired(api.instance) : 0;
  const approvalRequest = {
    event: {
      actor: ctx.actor,
      action: "approval.request",
      target: { type: "plan", id: plan.id },
      after: { planHash: hash, apiId: api.id, instanceId: api.instanceId, approvalsRequired: required },
      outcome: "success" as const,
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    },
  };
  // Approvers learn of it from the instance's webhooks, in the same statement as the request.
  const announced = publishEventSql({
    type: "approval.requested",
    instanceId: api.instanceId,
    data: {
      planId: plan.id,
      planHash: hash,
      apiId: api.id,
      apimName: api.apimName,
      approvalsRequired: required,
      requestedBy: ctx.actor.name,
      summary: `${ctx.actor.name} asks for ${required} approval${required === 1 ? "" : "s"} of a plan for ${api.apimName}`,
    },
  });
  await auditedStatement(
    db,
    (queue) => Prisma.sql`
      WITH created AS (
        INSERT INTO plans (id, api_id, profile_version_id, purpose, operations, diff, desired_state, created_at, created_by,
          created_by_oid)
        VALUES (${plan.id}::uuid, ${api.id}::uuid, ${version.id}::uuid, ${purpose}, ${operations}::jsonb, ${diff}::jsonb,
          ${desiredState}::jsonb, ${plan.createdAt.toISOString()}::timestamptz, ${plan.createdBy}, ${plan.createdByOid})
      ),
      ${required > 0 ? Prisma.sql`${announced},` : Prisma.empty}
      ${queue([
        {
          event: {
            actor: ctx.actor,
            action: "plan.create",
            target: { type: "plan", id: plan.id },
            after: {
              planHash: hash,
              apiId: api.id,
              apimName: api.apimName,
              purpose,
              profileVersion: version.version,
              adoptsHandWritten: version.adoptsHandWritten,
              summary: computed.diff.summary,
              operations: computed.operations.map(({ seq, kind, target, expected }) => ({
                seq,
                kind,
                target,
                ifMatch: expected === "absent" ? null : expected.etag,
              })),
              lintErrors: computed.diff.lint.findings.filter((finding) => finding.severity === "error").length,
              effectiveAccessBlocking: effectiveAccess.findings
                .filter((finding) => finding.severity === "blocking")
                .map(({ code, scope, scopeId, line }) => ({ code, scope, scopeId, line })),
            },
            outcome: "success",
            requestId: ctx.requestId,
            armCorrelationId: ctx.requestId,
            clientIp: ctx.clientIp,
          },
        },
        ...(required > 0 ? [approvalRequest] : []),
      ])}
      SELECT 1 AS done`,
  );
  // A new plan has no deployments yet, and its version is the one read above: nothing to read back.
  return toPlanView({
    ...plan,
    profileVersion: { version: version.version },
    deployments: [],
    approvals: [],
    api: { instanceId: api.instanceId, instance: api.instance },
  });
}

type PlannedApi = Prisma.ApiGetPayload<{ include: { instance: true } }>;

/** The version to plan: the API's latest (read with the API), or the one last applied. */
async function versionToPlan(
  db: Prisma.TransactionClient,
  api: { id: string; profileVersions: AccessProfileVersion[] },
  purpose: "profile" | "drift",
) {
  if (purpose === "profile") {
    const current = api.profileVersions[0];
    if (!current) throw new AppError("not_found", "This API has no access profile yet; save one before making a plan.");
    return current;
  }
  const applied = await findLastApplied(db, api.id);
  const version = applied?.profileVersionId
    ? await db.accessProfileVersion.findUnique({ where: { id: applied.profileVersionId } })
    : null;
  if (!version)
    throw new AppError(
      "not_found",
      "Nothing was applied to this API yet, so there is nothing to restore; make a plan from its access profile.",
    );
  return version;
}
