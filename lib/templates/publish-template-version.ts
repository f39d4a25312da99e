import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { etagMatches, profileEtag } from "../profiles/profile-etag";
import { parseInput } from "../validation";
import { publishTemplateVersionInputSchema, type PublishedTemplateVersionView } from "./schemas";
import { templateChangeSets } from "./template-change-set";
import { findTemplateOrThrow, toTemplateVersion } from "./template-view";

/**
 * Publishes the next version of a template (versions never change), then makes the change sets,
 * owned by the publisher, that give it to every API following the template (one set per
 * 500 followers, templateChangeSets): nothing reaches APIM until a set is approved (where its
 * instances require it) and applied. With If-Match (the
 * version the admin started from), a version someone published in between is refused (412).
 */
export async function publishTemplateVersion(
  ctx: RequestContext,
  input: { templateId: string; ifMatch?: string | null; version: unknown },
): Promise<PublishedTemplateVersionView> {
  await authorize(ctx, "config.write");
  const { profile } = parseInput(publishTemplateVersionInputSchema, input.version, "profile template version");
  const db = getDb();
  const template = await findTemplateOrThrow(db, input.templateId);
  const latest = template.versions[0]!.version;
  if (input.ifMatch && !etagMatches(input.ifMatch, latest)) throw stale(template.name, latest);
  let created;
  try {
    created = await auditedTransaction(db, async (tx) => {
      const row = await tx.profileTemplateVersion.create({
        data: {
          templateId: template.id,
          version: latest + 1,
          profile: profile as Prisma.InputJsonValue,
          createdBy: ctx.actor.name,
          createdByOid: ctx.actor.oid,
        },
      });
      await appendAuditEvent(tx, {
        actor: ctx.actor,
        action: "template.publish",
        target: { type: "profile_template", id: template.id },
        after: { name: template.name, version: row.version, profile },
        outcome: "success",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      });
      return row;
    });
  } catch (error) {
    // Two publishes raced: the (template, version) key let only one have this number.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw stale(template.name, latest + 1);
    throw error;
  }
  const followers = await db.api.findMany({
    where: { templateId: template.id },
    select: { id: true },
    orderBy: { displayName: "asc" },
  });
  const version = toTemplateVersion(created);
  const changeSets = await templateChangeSets(
    ctx,
    template,
    version.version,
    followers.map((api) => api.id),
  );
  return { version, changeSets };
}

function stale(name: string, latest: number): AppError {
  return new AppError(
    "precondition_failed",
    `Profile template "${name}" has a newer version (${latest}) than the one you started from (send If-Match: ${profileEtag(latest)} after reviewing it).`,
  );
}
