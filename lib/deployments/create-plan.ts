import { randomUUID } from "node:crypto";
import { auditedStatement, type QueuedEvent } from "../audit/append-audit-event";
import { apiNotFound, assertApiInApim } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import type { AccessProfileVersion } from "../db/generated/client";
import { AppError } from "../errors";
import { checkPlannedAccess } from "../access/check-planned-access";
import { withProfile } from "../access/read-api-access";
import { publishEventSql } from "../notifications/publish-event";
import { storedProfile } from "../profiles/stored-profile";
import { desiredBackendOf } from "./backend-fields";
import { findLastApplied } from "./last-applied";
import { effectiveApprovalsRequired } from "./approval/approval-rules";
import { computePlan } from "./plan/compute-plan";
import { ownedBackends } from "./plan/owned-backends";
import type { PlanReads } from "./plan/plan-reads";
import { storedPlanContent, type PlanContent } from "./plan/plan-hash";
import { toPlanView } from "./plan/plan-view";
import { readApiToPlan } from "./plan/read-api-to-plan";
import { readLiveState } from "./plan/read-live-state";
import { readAheadOfPlan, rememberWhereApiLives, withReadsAhead } from "./plan/reads-ahead";
import { rememberPlan } from "./plan/recent-plans";
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
  // For an API planned here before, its reads of APIM leave beside the statement below.
  const ahead = readAheadOfPlan(input.apiId, ctx.requestId);
  // The API, its instance, its latest version and what its plan reads of the database: one statement.
  const found = await readApiToPlan(input.apiId);
  if (!found) throw apiNotFound(input.apiId);
  const { api, latest, reads } = found;
  assertApiInApim(api);
  rememberWhereApiLives(api);
  const version = await versionToPlan(getDb(), api.id, latest, purpose);
  return planVersion(ctx, { api, version, purpose }, { reads: withReadsAhead(reads, ahead, api) });
}

/**
 * Plans one version of an API's profile, with what the caller already holds: createPlan's work
 * once the API and version are found and config.write is checked (preparePlan, then one statement
 * stores the plan with its events).
 */
export async function planVersion(
  ctx: RequestContext,
  subject: { api: PlannedApi; version: AccessProfileVersion; purpose: "profile" | "drift" },
  { reads }: { reads: PlanReads },
): Promise<PlanView> {
  const prepared = await preparePlan(ctx, subject, { reads, inChangeSet: false });
  const [inserted] = await auditedStatement<{ rowVersion: string }>(
    getDb(),
    (queue) => Prisma.sql`
      WITH ${insertPlansSql([prepared])},
      ${prepared.announced ? Prisma.sql`${prepared.announced},` : Prisma.empty}
      ${queue(prepared.events)}
      SELECT (SELECT row_version FROM plans_created) AS "rowVersion"`,
    // One plan: one of two texts, with or without the approval request (lib/db/driver-sql.ts). Its
    // events join the chain while the caller goes on: readers chain what waits before they read,
    // as does the rest of an apply (lib/audit/README.md, point 3).
    { prepared: true, chain: "background" },
  );
  // A new plan has no deployments yet, and its version is the one read above: nothing to read back.
  // Its columns as read back and their hash were computed once, by preparePlan.
  const { row, hash } = prepared;
  const stored = { ...row, ...prepared.stored, createdAt: new Date(row.createdAt) };
  rememberPlan({ plan: { ...stored, approvals: [], api: subject.api }, rowVersion: inserted!.rowVersion, hash });
  return toPlanView(
    {
      ...stored,
      profileVersion: { version: subject.version.version },
      deployments: [],
      approvals: [],
      api: { instanceId: subject.api.instanceId, instance: subject.api.instance },
    },
    // No approvals yet: none to judge by who wrote what it brings.
    { hash, contributors: [] },
  );
}

/** A plan computed and ready to store (insertPlansSql), with the events that record it. */
export interface PreparedPlan {
  /** The plans row, its JSON columns as the text stored. */
  row: {
    id: string;
    apiId: string;
    profileVersionId: string;
    purpose: "profile" | "drift";
    operations: string;
    diff: string;
    desiredState: string;
    createdAt: string;
    createdBy: string;
    createdByOid: string | null;
  };
  /** The row's JSON columns parsed back, as reading the stored row gives them. */
  stored: PlanContent<Prisma.JsonValue>;
  /** Its content hash (planContentHash of the stored JSON). */
  hash: string;
  /** The number of the profile version it plans. */
  profileVersion: number;
  diff: PlanDiff;
  empty: boolean;
  /** `plan.create`, and `approval.request` when the plan needs approval. */
  events: QueuedEvent[];
  /** The `approval.requested` webhook event (a WITH item), when the plan needs approval. */
  announced: Prisma.Sql | null;
}

/**
 * Reads the API's live state and the other scopes from APIM and computes the plan of `version`,
 * without storing it. A change set plans many APIs with one `reads` (what their plans read alike
 * is read once) and `inChangeSet`: the set asks for the approval of all its plans at once and
 * stores them with itself (lib/change-sets), so a plan of it neither records its own approval
 * request nor announces one.
 */
export async function preparePlan(
  ctx: RequestContext,
  { api, version, purpose }: { api: PlannedApi; version: AccessProfileVersion; purpose: "profile" | "drift" },
  { reads, inChangeSet }: { reads: PlanReads; inChangeSet: boolean },
): Promise<PreparedPlan> {
  const db = getDb();
  const profile = storedProfile(version);
  // The other scopes are read beside the live state: the analysis below only needs the policy the plan writes.
  // Both read the API's policy and the named values: one request each, so both judge the same APIM.
  // They need nothing from the database, so they are sent before the backends Portcullis created are looked up.
  const apim = reads.apim(api.instance);
  const scopesRead = reads.accessScopes(api, ctx.requestId);
  // Awaited below; when looking up the backends fails first, nothing awaits it.
  scopesRead.catch(() => undefined);
  const owned = await ownedBackends(db, api, await reads.backendSteps(api.id));
  const backendIds = new Set(
    [desiredBackendOf(profile)?.backendId, ...owned.map((backend) => backend.backendId)].filter(
      (id) => id !== undefined,
    ),
  );
  const [live, scopes, fingerprints] = await Promise.all([
    readLiveState(apim, api.apimName, profile, [...backendIds], ctx.requestId),
    scopesRead,
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
  const effectiveAccess = checkPlannedAccess(api, withProfile(scopes, profile), {
    profileVersion: version.version,
    policyXml: computed.diff.policy.after,
  });
  const diffWithAccess: PlanDiff = { ...computed.diff, effectiveAccess };

  // Stored as canonical JSON; `stored` is what reading the row back gives, `hash` its content hash.
  const { text, stored, hash } = storedPlanContent({
    operations: computed.operations,
    diff: diffWithAccess,
    desiredState: computed.desired,
  });
  // Every value is chosen here, so nothing needs reading back once stored.
  const row = {
    id: randomUUID(),
    apiId: api.id,
    profileVersionId: version.id,
    purpose,
    ...text,
    createdAt: new Date().toISOString(),
    createdBy: ctx.actor.name,
    createdByOid: ctx.actor.oid,
  };
  // A plan with nothing to write needs no approval (approval-rules.ts); a change set's asks as a set.
  const required = computed.operations.length > 0 && !inChangeSet ? effectiveApprovalsRequired(api.instance) : 0;
  const created: QueuedEvent = {
    event: {
      actor: ctx.actor,
      action: "plan.create",
      target: { type: "plan", id: row.id },
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
  };
  const prepared = {
    row,
    stored,
    hash,
    profileVersion: version.version,
    diff: diffWithAccess,
    empty: computed.operations.length === 0,
  };
  if (required === 0) return { ...prepared, events: [created], announced: null };
  const approvalRequest: QueuedEvent = {
    event: {
      actor: ctx.actor,
      action: "approval.request",
      target: { type: "plan", id: row.id },
      after: { planHash: hash, apiId: api.id, instanceId: api.instanceId, approvalsRequired: required },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    },
  };
  // Approvers learn of it from the instance's webhooks, in the same statement as the request.
  const announced = publishEventSql({
    type: "approval.requested",
    instanceId: api.instanceId,
    data: {
      planId: row.id,
      planHash: hash,
      apiId: api.id,
      apimName: api.apimName,
      approvalsRequired: required,
      requestedBy: ctx.actor.name,
      summary: `${ctx.actor.name} asks for ${required} approval${required === 1 ? "" : "s"} of a plan for ${api.apimName}`,
    },
  });
  return { ...prepared, events: [created, approvalRequest], announced };
}

/**
 * The WITH item (`plans_created`) that stores prepared plans in one statement: their JSON columns
 * travel as the text computed, in one parameter, and are stored as jsonb. It returns each plan's
 * `id` and `row_version`: the transaction that wrote the row (xmin), which any later change of
 * the row changes (recent-plans.ts).
 */
export function insertPlansSql(plans: readonly PreparedPlan[]): Prisma.Sql {
  const rows = `[${plans
    .map(
      ({ row }) =>
        `{"id":${JSON.stringify(row.id)},"apiId":${JSON.stringify(row.apiId)},"profileVersionId":${JSON.stringify(row.profileVersionId)},"purpose":${JSON.stringify(row.purpose)},"operations":${row.operations},"diff":${row.diff},"desiredState":${row.desiredState},"createdAt":${JSON.stringify(row.createdAt)},"createdBy":${JSON.stringify(row.createdBy)},"createdByOid":${JSON.stringify(row.createdByOid)}}`,
    )
    .join(",")}]`;
  return Prisma.sql`plans_created AS (
    INSERT INTO plans (id, api_id, profile_version_id, purpose, operations, diff, desired_state, created_at, created_by,
      created_by_oid)
    SELECT id, "apiId", "profileVersionId", purpose, operations, diff, "desiredState", "createdAt", "createdBy",
      "createdByOid"
      FROM jsonb_to_recordset(${rows}::jsonb) AS p(id uuid, "apiId" uuid, "profileVersionId" uuid, purpose text,
        operations jsonb, diff jsonb, "desiredState" jsonb, "createdAt" timestamptz, "createdBy" text,
        "createdByOid" text)
    RETURNING id, xmin::text AS row_version
  )`;
}

type PlannedApi = Prisma.ApiGetPayload<{ include: { instance: true } }>;

/** The version to plan: the API's latest (read with the API), or the one last applied. */
async function versionToPlan(
  db: Prisma.TransactionClient,
  apiId: string,
  latest: AccessProfileVersion | null,
  purpose: "profile" | "drift",
) {
  if (purpose === "profile") {
    if (!latest) throw new AppError("not_found", "This API has no access profile yet; save one before making a plan.");
    return latest;
  }
  const applied = await findLastApplied(db, apiId);
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
