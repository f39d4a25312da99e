import type { RequestContext } from "../auth/request-context";
import type { AuditInput } from "../audit/audit-input";
import type { TemplateOrigin } from "./schemas";

/** The audit event of an API starting to follow a template (`api.template.follow`), whichever write makes it. */
export function templateFollowEvent(
  ctx: RequestContext,
  api: { id: string; templateId: string | null },
  template: TemplateOrigin,
): AuditInput {
  return {
    actor: ctx.actor,
    action: "api.template.follow",
    target: { type: "api", id: api.id },
    before: { templateId: api.templateId },
    after: { templateId: template.id, template: template.name, version: template.version },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  };
}

/**
 * The audit event of an API that stops following its template (`api.template.unfollow`), whichever
 * write makes it; `templateName` when the writer read it.
 */
export function templateUnfollowEvent(
  ctx: RequestContext,
  api: { id: string; templateId: string },
  templateName?: string,
): AuditInput {
  return {
    actor: ctx.actor,
    action: "api.template.unfollow",
    target: { type: "api", id: api.id },
    before: { templateId: api.templateId, ...(templateName === undefined ? {} : { template: templateName }) },
    after: { templateId: null },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  };
}
