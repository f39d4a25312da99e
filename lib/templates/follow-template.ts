import { isDeepStrictEqual } from "node:util";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { profileEtag } from "../profiles/profile-etag";
import { templateFollowEvent } from "../profiles/template-follow-event";
import { saveAccessProfile } from "../profiles/save-access-profile";
import { parseInput } from "../validation";
import { followTemplateInputSchema, type TemplateFollowingView } from "./schemas";
import { findTemplateOrThrow, storedTemplateProfile } from "./template-view";

/**
 * Makes an API follow a template: its current version is saved as the API's profile
 * (saveAccessProfile, which resolves its `${name}` variables with the API's environment and
 * records the template version), and the template's next versions make change sets for it.
 * Nothing changes in APIM until the API is planned and applied. Saving first means a profile the
 * API's environment cannot resolve refuses the follow too. With If-Match, the profile version the
 * admin saw must still be current; without, following replaces whatever is current.
 */
export async function followTemplate(
  ctx: RequestContext,
  input: { apiId: string; ifMatch?: string | null; follow: unknown },
): Promise<TemplateFollowingView> {
  await authorize(ctx, "config.write");
  const { templateId } = parseInput(followTemplateInputSchema, input.follow, "template to follow");
  const db = getDb();
  const api = await findApiOrThrow(db, input.apiId, {
    profileVersions: { orderBy: { version: "desc" }, take: 1 },
  });
  const template = await findTemplateOrThrow(db, templateId);
  const latest = template.versions[0]!;
  const origin = { id: template.id, name: template.name, version: latest.version };
  const current = api.profileVersions[0];
  const follows = api.templateId !== template.id;
  // One statement saves the version and makes the API follow (saveProfileVersion): never one without the other.
  const profile = isDeepStrictEqual(current?.template, origin)
    ? null
    : await saveAccessProfile(ctx, {
        apiId: api.id,
        profile: storedTemplateProfile(latest),
        ifMatch: input.ifMatch ?? (current ? profileEtag(current.version) : null),
        template: origin,
        following: "template",
      });
  if (!profile && follows)
    await auditedTransaction(db, async (tx) => {
      await tx.api.update({ where: { id: api.id }, data: { templateId: template.id } });
      await appendAuditEvent(tx, templateFollowEvent(ctx, api, origin));
    });
  return { apiId: api.id, template: { id: template.id, name: template.name }, profile };
}
