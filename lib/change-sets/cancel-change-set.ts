import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { toChangeSetView } from "./change-set-view";
import { findChangeSetOrThrow } from "./find-change-set";
import type { ChangeSetView } from "./schemas";

/**
 * Cancels an apply between APIs: the APIs not started are marked cancelled (a re-run applies
 * them), the ones running finish, and the set ends as cancelled — here, when no process is
 * applying it, or by the process applying it once its running APIs end.
 */
export async function cancelChangeSet(ctx: RequestContext, input: { changeSetId: string }): Promise<ChangeSetView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const set = await findChangeSetOrThrow(db, input.changeSetId);
  const now = new Date();
  await auditedTransaction(db, async (tx) => {
    const asked = await tx.changeSet.updateMany({
      where: { id: set.id, status: "applying", cancelRequestedAt: null },
      data: { cancelRequestedAt: now },
    });
    if (asked.count === 0)
      throw new AppError("conflict", "This change set is not being applied, or its cancel was already asked.");
    const cancelled = await tx.changeSetItem.updateMany({
      where: { changeSetId: set.id, status: "queued" },
      data: { status: "cancelled", finishedAt: now },
    });
    // Nobody holds the set and nothing runs: it ends now.
    await tx.$executeRaw`
      UPDATE change_sets SET status = 'cancelled', finished_at = ${now}, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${set.id}::uuid AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
         AND NOT EXISTS (SELECT 1 FROM change_set_items WHERE change_set_id = ${set.id}::uuid AND status = 'running')`;
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "change_set.cancel",
      target: { type: "change_set", id: set.id },
      after: { apisCancelled: cancelled.count },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
  return toChangeSetView(await findChangeSetOrThrow(db, set.id));
}
