import { recordAuditEvent } from "../audit/append-audit-event";
import { getDb } from "../db";
import { AppError } from "../errors";
import type { Permission } from "./permissions";
import type { RequestContext } from "./request-context";

/**
 * The one authorization check, used by entry points and again by every use case. A denial
 * is itself an audit event (security reviewers want to see who tried what).
 */
export async function authorize(ctx: RequestContext, permission: Permission, what: string = permission): Promise<void> {
  if (ctx.permissions.has(permission)) return;
  await recordAuditEvent(getDb(), {
    actor: ctx.actor,
    action: "auth.denied",
    target: { type: "permission", id: permission },
    after: { attempted: what, channel: ctx.channel, roles: ctx.actor.roles },
    outcome: "denied",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  const held = ctx.actor.roles.length > 0 ? ctx.actor.roles.join(", ") : "none";
  throw new AppError("forbidden", `This needs the ${permission} permission, which your roles (${held}) do not grant.`);
}
