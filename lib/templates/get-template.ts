import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { storedTemplateOrigin } from "../profiles/stored-profile";
import type { TemplateView } from "./schemas";
import { findTemplateOrThrow, toTemplateSummary, toTemplateVersion } from "./template-view";

/** A template with every version (newest first) and the APIs that follow it. */
export async function getTemplate(ctx: RequestContext, input: { templateId: string }): Promise<TemplateView> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const template = await findTemplateOrThrow(db, input.templateId);
  const [versions, followers] = await Promise.all([
    db.profileTemplateVersion.findMany({ where: { templateId: template.id }, orderBy: { version: "desc" } }),
    db.api.findMany({
      where: { templateId: template.id },
      include: { instance: { select: { name: true } }, profileVersions: { orderBy: { version: "desc" }, take: 1 } },
      orderBy: [{ instance: { name: "asc" } }, { displayName: "asc" }],
    }),
  ]);
  return {
    ...toTemplateSummary(template),
    versions: versions.map(toTemplateVersion),
    followerApis: followers.map((api) => {
      const current = api.profileVersions[0];
      const origin = current ? storedTemplateOrigin(current) : null;
      return {
        apiId: api.id,
        apiName: api.displayName,
        apimName: api.apimName,
        instanceName: api.instance.name,
        templateVersion: origin?.id === template.id ? origin.version : null,
      };
    }),
  };
}
