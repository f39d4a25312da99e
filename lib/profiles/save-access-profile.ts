import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { resolveWrittenProfile } from "../environments/resolve-written-profile";
import { writtenProfileSchema } from "../policy/profile-schema";
import { parseInput } from "../validation";
import { toView, type AccessProfileView } from "./get-access-profile";
import { etagMatches, profileEtag } from "./profile-etag";
import type { TemplateOrigin } from "./schemas";

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
  },
): Promise<AccessProfileView> {
  await authorize(ctx, "config.write");
  const written = parseInput(writtenProfileSchema, input.profile, "access profile");
  const db = getDb();
  try {
    return await auditedTransaction(db, async (tx) => {
      const api = await findApiOrThrow(tx, input.apiId);
      const { profile, usesVariables } = await resolveWrittenProfile(tx, api.instance, written);
      const current = await tx.accessProfileVersion.findFirst({
        where: { apiId: api.id },
        orderBy: { version: "desc" },
      });
      checkPrecondition(current?.version, input.ifMatch);
      const saved = await tx.accessProfileVersion.create({
        data: {
          apiId: api.id,
          version: (current?.version ?? 0) + 1,
          profile: profile as Prisma.InputJsonValue,
          adoptsHandWritten: input.adopt === true,
          written: usesVariables ? (written as Prisma.InputJsonValue) : Prisma.DbNull,
          template: input.template ?? Prisma.DbNull,
          createdBy: ctx.actor.name,
        },
      });
      await appendAuditEvent(tx, {
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
      });
      return toView(saved);
    });
  } catch (error) {
    // Two saves raced past the check: the unique (api, version) index let only one win.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") throw stale();
    throw error;
  }
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
