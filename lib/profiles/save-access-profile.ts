import { randomUUID } from "node:crypto";
import { auditedStatement, type QueuedEvent } from "../audit/append-audit-event";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import type { AccessProfileVersion } from "../db/generated/client";
import type { AuditInput } from "../audit/audit-input";
import { AppError } from "../errors";
import { resolveWrittenProfile, type VariableValues } from "../environments/resolve-written-profile";
import { writtenProfileSchema } from "../policy/profile-schema";
import { parseInput } from "../validation";
import { toView, type AccessProfileView } from "./get-access-profile";
import { etagMatches, profileEtag } from "./profile-etag";
import type { TemplateOrigin } from "./schemas";
import { templateFollowEvent, templateUnfollowEvent } from "./template-follow-event";

/**
 * Saves a new version of an API's access profile. Every saved version is kept. When a version
 * exists, the caller must send its ETag (If-Match): a stale one means someone else saved in
 * between, and we refuse rather than overwrite their change. `adopt` (only when the admin asks)
 * records that the version takes over the live policy's hand-written statements: its plans
 * remove them while the policy has no managed block yet (see lib/policy README).
 *
 * A profile may be written with `${name}` variables: they are resolved with the values of the
 * API's instance's environment before anything is stored (missing ones are refused by name), and
 * the version keeps both, the profile as written and the resolved one that plans render.
 * `promotedFrom` records, in the audit event, the version a promotion brought here; `template`,
 * on the version and in the event, the template version it was saved from (lib/templates).
 */
export async function saveAccessProfile(
  ctx: RequestContext,
  input: {
    apiId: string;
    profile: unknown;
    ifMatch?: string | null;
    adopt?: boolean;
    promotedFrom?: { apiId: string; instance: string; version: number };
    template?: TemplateOrigin;
    /**
     * `template` (with `template`): the API follows that template from now on; `none`: it follows
     * none. Written in the statement that saves the version (lib/templates followTemplate, a
     * change set from profile files), so a version saved from a template is never left without
     * the API following it, nor a following change without its version.
     */
    following?: "template" | "none";
  },
): Promise<AccessProfileView> {
  await authorize(ctx, "config.write");
  const prepared = await prepareProfileVersion(ctx, input, await heldProfile(input.apiId));
  const stored = await saveProfileVersions([prepared]);
  // Someone else saved this version number first: their change is never overwritten.
  if (!stored.has(prepared.version.id)) throw staleProfileError();
  return toView(prepared.version);
}

/** An API with its instance and its current (latest) profile version, null when it has none. */
export interface HeldProfile {
  api: Prisma.ApiGetPayload<{ include: { instance: true } }>;
  current: AccessProfileVersion | null;
}

type SaveInput = Parameters<typeof saveAccessProfile>[1];

/** A version ready to store (saveProfileVersions) and the `profile.save` event that records it. */
export interface PreparedProfileVersion {
  version: AccessProfileVersion;
  event: AuditInput;
  /** What the API follows from this version on (`following`), with that event; null when that does not change. */
  follows: Omit<FollowingChange, "apiId"> | null;
}

/** An API starting to follow a template (`templateId`), or stopping (null), with that event. */
export interface FollowingChange {
  apiId: string;
  templateId: string | null;
  event: AuditInput;
}

/**
 * Checks and builds the next version of the `held` API's profile (If-Match against the version
 * held, `${name}` variables resolved) without storing it: a change set prepares all its versions
 * with the API and version it read, and stores them in one statement while it plans them, taking
 * each environment's variables from `values` (read once for the set, with the values a set that
 * changes them gives); a single save reads its own.
 */
export async function prepareProfileVersion(
  ctx: RequestContext,
  input: SaveInput,
  { api, current }: HeldProfile,
  values?: VariableValues,
): Promise<PreparedProfileVersion> {
  const written = parseInput(writtenProfileSchema, input.profile, "access profile");
  const { profile, usesVariables, variables } = await resolveWrittenProfile(getDb(), api.instance, written, values);
  checkPrecondition(current?.version, input.ifMatch);
  // As the database returns it (JSON round trip): the version returned is the version stored.
  const stored = (value: unknown) => (value === null ? null : (JSON.parse(JSON.stringify(value)) as Prisma.JsonValue));
  const version: AccessProfileVersion = {
    id: randomUUID(),
    apiId: api.id,
    version: (current?.version ?? 0) + 1,
    profile: stored(profile),
    adoptsHandWritten: input.adopt === true,
    written: usesVariables ? stored(written) : null,
    template: input.template ? stored(input.template) : null,
    createdAt: new Date(),
    createdBy: ctx.actor.name,
    createdByOid: ctx.actor.oid,
    // Who wrote each value it takes: a value a change set gives is its author's (approval rules, contributors).
    resolvedVariables: usesVariables
      ? stored(
          variables.map(({ name, value, writtenBy }) => ({
            name,
            value,
            writtenBy: writtenBy ?? { oid: ctx.actor.oid, name: ctx.actor.name },
          })),
        )
      : null,
  };
  const event: AuditInput = {
    actor: ctx.actor,
    action: "profile.save",
    target: { type: "api", id: api.id },
    before: current
      ? { version: current.version, profile: current.profile, adoptsHandWritten: current.adoptsHandWritten }
      : null,
    after: {
      version: version.version,
      profile,
      adoptsHandWritten: version.adoptsHandWritten,
      ...(usesVariables ? { written, environment: api.instance.environment } : {}),
      ...(input.promotedFrom ? { promotedFrom: input.promotedFrom } : {}),
      ...(input.template ? { template: input.template } : {}),
    },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  };
  return { version, event, follows: followingChange(ctx, api, input) };
}

/** What following changes with a save: the API starts following `template`, or stops following its own. */
function followingChange(
  ctx: RequestContext,
  api: { id: string; templateId: string | null },
  { following, template }: SaveInput,
): PreparedProfileVersion["follows"] {
  if (following === "template" && template && api.templateId !== template.id)
    return { templateId: template.id, event: templateFollowEvent(ctx, api, template) };
  if (following === "none" && api.templateId !== null)
    return { templateId: null, event: templateUnfollowEvent(ctx, { id: api.id, templateId: api.templateId }) };
  return null;
}

/**
 * Stores prepared versions, each with its `profile.save` event (and what it makes its API
 * follow, when `follows` is given), in one statement, and returns the ids of those stored: a
 * version whose number another save took first is not stored, nor are its event and following
 * change (the caller refuses it as stale). A change set stores its versions with the set instead
 * (lib/change-sets/record-change-set.ts, `savedVersionsSql` with `refuse`).
 */
export async function saveProfileVersions(prepared: readonly PreparedProfileVersion[]): Promise<Set<string>> {
  if (prepared.length === 0) return new Set();
  const saved = savedVersionsSql(prepared, "skip");
  const followed = followedSql(
    prepared.flatMap(({ version, follows }) =>
      follows ? [{ apiId: version.apiId, versionId: version.id, ...follows }] : [],
    ),
  );
  const rows = await auditedStatement<{ id: string }>(
    getDb(),
    (queue) => Prisma.sql`
      WITH ${saved.item},
      ${followed.item},
      ${queue([...saved.events, ...followed.events])}
      SELECT id::text FROM saved`,
  );
  return new Set(rows.map((row) => row.id));
}

/**
 * The `saved AS (…)` WITH item that inserts prepared versions (returning their ids), and their
 * `profile.save` events. `taken` says what a version whose number another save took first does:
 * `skip`, it is not stored, nor its event, and the statement goes on; `refuse`, the statement
 * fails (a unique violation, `isVersionTaken`), so nothing it writes is stored — a change set's
 * versions commit with the set or not at all.
 */
export function savedVersionsSql(
  prepared: readonly PreparedProfileVersion[],
  taken: "skip" | "refuse",
): { item: Prisma.Sql; events: QueuedEvent[] } {
  const rows = JSON.stringify(prepared.map(({ version }) => version));
  return {
    item: Prisma.sql`saved AS (
      INSERT INTO access_profile_versions (id, api_id, version, profile, adopts_hand_written, written, template,
        created_at, created_by, created_by_oid, resolved_variables)
      SELECT id, "apiId", version, profile, "adoptsHandWritten", written, template, "createdAt", "createdBy",
          "createdByOid", "resolvedVariables"
        FROM jsonb_to_recordset(${rows}::jsonb) AS v(id uuid, "apiId" uuid, version int, profile jsonb,
          "adoptsHandWritten" boolean, written jsonb, template jsonb, "createdAt" timestamptz, "createdBy" text,
          "createdByOid" text, "resolvedVariables" jsonb)
      ${taken === "skip" ? Prisma.sql`ON CONFLICT (api_id, version) DO NOTHING` : Prisma.empty}
      RETURNING id
    )`,
    // Refused, the statement stores all of them or none: their events need no condition.
    events: prepared.map(({ version, event }) =>
      taken === "skip"
        ? { when: Prisma.sql`EXISTS (SELECT 1 FROM saved WHERE id = ${version.id}::uuid)`, event }
        : { event },
    ),
  };
}

/** The statement failed because another save took a version number it stored (`savedVersionsSql`'s `refuse`). */
export function isVersionTaken(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === "23505" && constraint === "access_profile_versions_api_id_version_key";
}

/** The ids of the prepared versions whose number another save has taken since they were prepared. */
export async function takenVersions(prepared: readonly PreparedProfileVersion[]): Promise<Set<string>> {
  const latest = await getDb().accessProfileVersion.groupBy({
    by: ["apiId"],
    where: { apiId: { in: prepared.map(({ version }) => version.apiId) } },
    _max: { version: true },
  });
  const now = new Map(latest.map((row) => [row.apiId, row._max.version ?? 0]));
  return new Set(
    prepared.filter(({ version }) => (now.get(version.apiId) ?? 0) >= version.version).map(({ version }) => version.id),
  );
}

/**
 * The `followed AS (…)` WITH item that writes what `changes`' APIs follow, and their events, each
 * queued only when its API was changed. A change naming a `versionId` is written only when that
 * version is stored by the same statement (its `saved` item); one without is written as it is.
 * Following is written with what it belongs to: a single save's version (saveProfileVersions) or
 * a change set (lib/change-sets/record-change-set.ts), never on its own.
 */
export function followedSql(changes: ReadonlyArray<FollowingChange & { versionId: string | null }>): {
  item: Prisma.Sql;
  events: QueuedEvent[];
} {
  const follows = JSON.stringify(changes.map(({ apiId, versionId, templateId }) => ({ apiId, versionId, templateId })));
  const withVersion = changes.some((change) => change.versionId !== null)
    ? Prisma.sql`AND (f."versionId" IS NULL OR EXISTS (SELECT 1 FROM saved WHERE saved.id = f."versionId"))`
    : Prisma.empty;
  return {
    item: Prisma.sql`followed AS (
      UPDATE apis SET template_id = f."templateId"
        FROM jsonb_to_recordset(${follows}::jsonb) AS f("apiId" uuid, "versionId" uuid, "templateId" uuid)
       WHERE apis.id = f."apiId" ${withVersion}
      RETURNING apis.id
    )`,
    events: changes.map(({ apiId, event }) => ({
      when: Prisma.sql`EXISTS (SELECT 1 FROM followed WHERE id = ${apiId}::uuid)`,
      event,
    })),
  };
}

async function heldProfile(apiId: string): Promise<HeldProfile> {
  const api = await findApiOrThrow(getDb(), apiId, { profileVersions: { orderBy: { version: "desc" }, take: 1 } });
  const { profileVersions, ...rest } = api;
  return { api: rest, current: profileVersions[0] ?? null };
}

function checkPrecondition(currentVersion: number | undefined, ifMatch: string | null | undefined): void {
  if (currentVersion === undefined) {
    if (ifMatch)
      throw new AppError(
        "precondition_failed",
        "This API has no access profile yet, so If-Match cannot match; send the first version without it.",
      );
    return;
  }
  if (!ifMatch) {
    throw new AppError(
      "precondition_required",
      `This API already has access profile version ${currentVersion}. Send If-Match: ${profileEtag(currentVersion)} to replace it, so a concurrent change is never overwritten.`,
    );
  }
  if (!etagMatches(ifMatch, currentVersion)) throw staleProfileError(currentVersion);
}

/** Refuses a save whose If-Match is not the current version (or that another save raced past). */
export function staleProfileError(currentVersion?: number): AppError {
  return new AppError(
    "precondition_failed",
    `The access profile changed since you read it${currentVersion ? ` (it is now version ${currentVersion})` : ""}. Reload it, reapply your edit and save again.`,
  );
}
