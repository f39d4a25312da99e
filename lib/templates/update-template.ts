import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { updateTemplateInputSchema, type TemplateSummaryView } from "./schemas";
import { auditedTemplate, findTemplateOrThrow, templateSummaryInclude, toTemplateSummary } from "./template-view";

/** Changes a template's description. Its name and versions never change (publish a new version instead). */
export async function updateTemplate(
  ctx: RequestContext,
  input: { templateId: string; update: unknown },
): Promise<TemplateSummaryView> {
  await authorize(ctx, "config.write");
  const { description } = parseInput(updateTemplateInputSchema, input.update, "profile template");
  const db = getDb();
  const before = await findTemplateOrThrow(db, input.templateId);
  const after = await auditedTransaction(db, async (tx) => {
    const row = await tx.profileTemplate.update({
      where: { id: before.id },
      data: { description },
      include: templateSummaryInclude,
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "template.update",
      target: { type: "profile_template", id: row.id },
      before: auditedTemplate(before),
      after: auditedTemplate(row),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return row;
  });
  return toTemplateSummary(after);
}
