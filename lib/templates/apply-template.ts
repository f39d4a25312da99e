import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { findApisWithProfile } from "../change-sets/create-change-set";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { applyTemplateInputSchema, type TemplateApplicationView } from "./schemas";
import { templateChangeSets } from "./template-change-set";
import { findTemplateOrThrow } from "./template-view";

/**
 * "Apply a saved profile template" to selected APIs: they follow it from now on (its next versions
 * make change sets for them) and change sets give each its current version, reviewed, approved
 * and applied as any set: one set per 500 APIs (templateChangeSets). Each API starts following in
 * the statement that stores its set, with the set's `template.apply` event: a set that fails leaves
 * no API following without it.
 */
export async function applyTemplate(
  ctx: RequestContext,
  input: { templateId: string; apply: unknown },
): Promise<TemplateApplicationView> {
  await authorize(ctx, "config.write");
  const { apiIds } = parseInput(applyTemplateInputSchema, input.apply, "template application");
  const db = getDb();
  const template = await findTemplateOrThrow(db, input.templateId);
  await findApisWithProfile(apiIds, "apiIds");
  const latest = template.versions[0]!;
  const changeSets = await templateChangeSets(ctx, template, latest.version, apiIds, (part) => ({
    actor: ctx.actor,
    action: "template.apply",
    target: { type: "profile_template", id: template.id },
    after: { name: template.name, version: latest.version, apiIds: part.apiIds, changeSetId: part.changeSetId },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  }));
  return { changeSets };
}
