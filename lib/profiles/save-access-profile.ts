import { randomUUID } from "node:crypto";
import { auditedStatement } from "../audit/append-audit-event";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import type { AccessProfileVersion } from "../db/generated/client";
import { AppError } from "../errors";
import { resolveWrittenProfile } from "../environments/resolve-written-profile";
import { writtenProfileSchema } from "../policy/profile-schema";
import { parseInput } from "../validation";
import { toView, type AccessProfileView } from "./get-access-profile";
import { etagMatches, profileEtag } from "./profile-etag";
import type { TemplateOrigin } from "./schemas";
import { templateFollowEvent } from "./template-follow-event";

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
     * With `template`: the API follows that template from now on, in the statement that saves the
     * version (lib/templates followTemplate), so a version saved from a template is never left
     * without the API following it.
     */
    follow?: boolean;
  },
): Promise<AccessProfileView> {
  await authorize(ctx, "config.write");
  return toView(await saveProfileVersion(ctx, input));
}

/** An API with its instance and its current (latest) profile version, null when it has none. */
export interface HeldProfile {
  api: Prisma.ApiGetPayload<{ include: { instance: true } }>;
  current: AccessProfileVersion | null;
}

/**
 * saveAccessProfile's work once config.write is checked, returning the stored version itself: a
 * change set passes the API and current version it `held` since it read them (nothing read
 * again) and plans the version at once (planVersion). One statement stores the version and its
 * event; it stores nothing when the next version number is taken, which is how a save that
 * raced past the If-Match check (or one after the `held` read) is refused as stale.
 */
export async function saveProfileVersion(
  ctx: RequestContext,
  input: Parameters<typeof saveAccessProfile>[1],
  held?: HeldProfile,
): Promise<AccessProfileVersion> {
  const written = parseInput(writtenProfileSchema, input.profile, "access profile");
  const db = getDb();
  const { api, current } = held ?? (await heldProfile(input.apiId));
  const { profile, usesVariables } = await resolveWrittenProfile(db, api.instance, written);
  checkPrecondition(current?.version, input.ifMatch);
  // As the database returns it (JSON round trip): the version returned is the version stored.
  const stored = (value: unknown) => (value === null ? null : (JSON.parse(JSON.stringify(value)) as Prisma.JsonValue));
  const saved: AccessProfileVersion = {
    id: randomUUID(),
    apiId: api.id,
    version: (current?.version ?? 0) + 1,
    profile: stored(profile),
    adoptsHandWritten: input.adopt === true,
    written: usesVariables ? stored(written) : null,
    template: input.template ? stored(input.template) : null,
    createdAt: new Date(),
    createdBy: ctx.actor.name,
  };
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
  // The template the API starts following with this version: none when it already does.
  const follows = input.follow && input.template && api.templateId !== input.template.id ? input.template : null;
  const rows = await auditedStatement<{ id: string }>(
    db,
    (queue) => Prisma.sql`
      WITH saved AS (
        INSERT INTO access_profile_versions (id, api_id, version, profile, adopts_hand_written, written, template,
          created_at, created_by)
        VALUES (${saved.id}::uuid, ${saved.apiId}::uuid, ${saved.version}::int, ${json(saved.profile)}::jsonb,
          ${saved.adoptsHandWritten}, ${json(saved.written)}::jsonb, ${json(saved.template)}::jsonb,
          ${saved.createdAt.toISOString()}::timestamptz,
          ${saved.createdBy})
        ON CONFLICT (api_id, version) DO NOTHING
        RETURNING id
      ),
      followed AS (${
        follows
          ? Prisma.sql`
        UPDATE apis SET template_id = ${follows.id}::uuid
        WHERE id = ${api.id}::uuid AND EXISTS (SELECT 1 FROM saved)
        RETURNING id`
          : Prisma.sql`SELECT NULL::uuid AS id WHERE FALSE`
      }
      ),
      ${queue([
        {
          when: Prisma.sql`EXISTS (SELECT 1 FROM saved)`,
          event: {
            actor: ctx.actor,
            action: "profile.save",
            target: { type: "api", id: api.id },
            before: current
              ? { version: current.version, profile: current.profile, adoptsHandWritten: current.adoptsHandWritten }
              : null,
            after: {
              version: saved.version,
              profile,
              adoptsHandWritten: saved.adoptsHandWritten,
              ...(usesVariables ? { written, environment: api.instance.environment } : {}),
              ...(input.promotedFrom ? { promotedFrom: input.promotedFrom } : {}),
              ...(input.template ? { template: input.template } : {}),
            },
            outcome: "success",
            requestId: ctx.requestId,
            clientIp: ctx.clientIp,
          },
        },
        ...(follows
          ? [{ when: Prisma.sql`EXISTS (SELECT 1 FROM followed)`, event: templateFollowEvent(ctx, api, follows) }]
          : []),
      ])}
      SELECT id::text FROM saved`,
  );
  // Someone else saved this version number first: their change is never overwritten.
  if (rows.length === 0) throw stale();
  return saved;
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
  if (!etagMatches(ifMatch, currentVersion)) throw stale(currentVersion);
}

function stale(currentVersion?: number): AppError {
  return new AppError(
    "precondition_failed",
    `The access profile changed since you read it${currentVersion ? ` (it is now version ${currentVersion})` : ""}. Reload it, reapply your edit and save again.`,
  );
}
