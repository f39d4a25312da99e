import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { publishEvent } from "../notifications/publish-event";
import { verifyAuditChain, type ChainVerification } from "./verify-audit-chain";

/**
 * Walks the whole audit chain for a reviewer (REST GET /audit/verify and the console). A chain
 * that does not verify is announced (`audit.verification_failed`): someone changed the history.
 */
export async function verifyAuditHistory(ctx: RequestContext): Promise<ChainVerification> {
  await authorize(ctx, "audit.read");
  const result = await verifyAuditChain(getDb());
  if (!result.ok) {
    const reason = result.firstBad?.reason ?? result.checkpoints.firstBad?.reason ?? "the chain does not verify";
    await publishEvent(getDb(), {
      type: "audit.verification_failed",
      instanceId: null,
      data: {
        summary: `The audit history does not verify: ${reason}`,
        verifiedBy: ctx.actor.name,
        eventsChecked: result.eventsChecked,
        firstBad: result.firstBad ?? null,
        checkpoints: result.checkpoints,
      },
    });
  }
  return result;
}
