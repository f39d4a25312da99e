import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { templateUnfollowEvent } from "../profiles/template-follow-event";
import type { TemplateFollowingView } from "./schemas";

/**
 * The API stops following its template: its profile stays as it is (edit it by hand from now
 * on), and the template's next versions leave it alone. Nothing to do when it follows none.
 */
export async function unfollowTemplate(ctx: RequestContext, input: { apiId: string }): Promise<TemplateFollowingView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const api = await findApiOrThrow(db, input.apiId, { template: { select: { id: true, name: true } } });
  if (api.template)
    await auditedTransaction(db, async (tx) => {
      await tx.api.update({ where: { id: api.id }, data: { templateId: null } });
      await appendAuditEvent(
        tx,
        templateUnfollowEvent(ctx, { id: api.id, templateId: api.template!.id }, api.template!.name),
      );
    });
  return { apiId: api.id, template: null, profile: null };
}
