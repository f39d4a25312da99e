import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { findApisWithProfile } from "../change-sets/create-change-set";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { applyTemplateInputSchema, type TemplateApplicationView } from "./schemas";
import { templateChangeSets } from "./template-change-set";
import { findTemplateOrThrow, toTemplateVersion } from "./template-view";

/**
 * "Apply a saved profile template" to selected APIs: they follow it from now on (its next versions
 * make change sets for them) and change sets give each its current version, reviewed, approved
 * and applied as any set: one set per 500 APIs (templateChangeSets). Each set's APIs follow the
 * template in the statement that stores that set, with its `template.apply` event: no set is
 * stored without its follows, and no follow without its set.
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
  const latest = toTemplateVersion(template.versions[0]!);
  const changeSets = await templateChangeSets(ctx, template, latest, apiIds, (part) => ({
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
