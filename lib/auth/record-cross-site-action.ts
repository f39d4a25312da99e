import { recordAuditEvent } from "../audit/append-audit-event";
import { getDb } from "../db";
import { log } from "../log";
import type { RequestContext } from "./request-context";

/**
 * Records a server action refused because another site posted it. With a live session it is a
 * denied attempt by that user (the cookie went along: a sibling site, or a lax browser), audited
 * like every denial; without one there is no one to attribute it to, and it is logged.
 */
export async function recordCrossSiteAction(
  ctx: RequestContext | null,
  attempt: { path: string; origin: string; requestId: string },
): Promise<void> {
  if (!ctx) {
    log.warn(attempt, "server action from another site refused (no session)");
    return;
  }
  await recordAuditEvent(getDb(), {
    actor: ctx.actor,
    action: "auth.denied",
    target: { type: "server-action", id: attempt.path },
    after: {
      attempted: `server action on ${attempt.path}`,
      reason: "posted from another site",
      origin: attempt.origin,
      channel: ctx.channel,
    },
    outcome: "denied",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
}
