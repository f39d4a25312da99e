import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { findApisWithProfile } from "../change-sets/create-change-set";
import type { ChangeSetView } from "../change-sets/schemas";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { applyTemplateInputSchema } from "./schemas";
import { templateChangeSet } from "./template-change-set";
import { findTemplateOrThrow, toTemplateVersion } from "./template-view";

/**
 * "Apply a saved profile template" to selected APIs: they follow it from now on (its next versions
 * make change sets for them) and one change set gives each its current version, reviewed,
 * approved and applied as any set.
 */
export async function applyTemplate(
  ctx: RequestContext,
  input: { templateId: string; apply: unknown },
): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const { apiIds } = parseInput(applyTemplateInputSchema, input.apply, "template application");
  const db = getDb();
  const template = await findTemplateOrThrow(db, input.templateId);
  await findApisWithProfile(apiIds, "apiIds");
  const changeSet = await templateChangeSet(ctx, template, toTemplateVersion(template.versions[0]!), apiIds);
  await auditedTransaction(db, async (tx) => {
    await tx.api.updateMany({ where: { id: { in: apiIds } }, data: { templateId: template.id } });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "template.apply",
      target: { type: "profile_template", id: template.id },
      after: { name: template.name, version: template.versions[0]!.version, apiIds, changeSetId: changeSet.id },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
  return changeSet;
}
