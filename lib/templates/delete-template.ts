import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { TemplateSummaryView } from "./schemas";
import { auditedTemplate, findTemplateOrThrow, toTemplateSummary } from "./template-view";

/**
 * Deletes a template and its versions. Refused (409, naming them) while APIs follow it: each must
 * stop following first, so no API silently loses the template its profile is kept in step with.
 * Profile versions saved from it keep saying so.
 */
export async function deleteTemplate(ctx: RequestContext, input: { templateId: string }): Promise<TemplateSummaryView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const template = await findTemplateOrThrow(db, input.templateId);
  await auditedTransaction(db, async (tx) => {
    // In the transaction: the foreign key also refuses a follower that arrives in between.
    const followers = await tx.api.findMany({
      where: { templateId: template.id },
      select: { id: true, displayName: true, instance: { select: { name: true } } },
      orderBy: { displayName: "asc" },
    });
    if (followers.length > 0)
      throw new AppError(
        "conflict",
        `Profile template "${template.name}" is followed by ${followers.map((api) => `${api.displayName} (${api.instance.name})`).join(", ")}: make ${followers.length === 1 ? "it" : "them"} stop following it first.`,
        { details: { followers: followers.map((api) => ({ apiId: api.id, apiName: api.displayName })) } },
      );
    await tx.profileTemplate.delete({ where: { id: template.id } });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "template.delete",
      target: { type: "profile_template", id: template.id },
      before: { ...auditedTemplate(template), latestVersion: template.versions[0]!.version },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
  return toTemplateSummary(template);
}
