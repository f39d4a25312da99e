import { apimClientForInstance, type InstanceCoordinates } from "../apim/client-for-instance";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { SecretRotation } from "../db/generated/client";
import { isAppError } from "../errors";
import { log } from "../log";
import { refuseHandWrittenReferences } from "./find-hand-written-references";
import { updateRotation } from "./record-rotation-step";

export interface RetiredCleanup {
  deleted: number;
  failed: number;
}

/**
 * The scheduled clean-up (job `rotation-cleanup`, Portcullis acting on its own): deletes each
 * named value a rotation retired once its time came — the old key after the grace period of an
 * applied rotation, the unused new key right after a roll back. Each deletion is claimed by one
 * conditional UPDATE first, so with several Portcullis processes each named value is deleted
 * once even outside the job's lease; a deletion APIM refuses, or one of a named value a
 * hand-written policy or backend uses by now, gives the claim back and is retried on the next run. A rotation rolled back or being rolled back is never touched: its
 * status is no longer `applied`.
 */
export async function deleteRetiredNamedValues(ctx: RequestContext, input: { now: Date }): Promise<RetiredCleanup> {
  const db = getDb();
  const due = await db.secretRotation.findMany({
    where: {
      deletedAt: null,
      retiredNamedValueId: { not: null },
      deleteAfter: { lte: input.now },
      status: { in: ["applied", "rolled_back", "failed"] },
    },
    include: { instance: true },
    orderBy: { deleteAfter: "asc" },
    take: 100,
  });
  const result: RetiredCleanup = { deleted: 0, failed: 0 };
  for (const rotation of due) {
    const { count } = await db.secretRotation.updateMany({
      // On the row as read and still due: a roll back that claimed it meanwhile has changed its status.
      where: {
        id: rotation.id,
        deletedAt: null,
        status: rotation.status,
        retiredNamedValueId: rotation.retiredNamedValueId,
        deleteAfter: { lte: input.now },
      },
      data: { deletedAt: input.now },
    });
    if (count === 0) continue;
    if (await deleteOne(ctx, rotation, input.now)) result.deleted += 1;
    else result.failed += 1;
  }
  return result;
}

async function deleteOne(
  ctx: RequestContext,
  rotation: SecretRotation & { instance: InstanceCoordinates & { id: string } },
  now: Date,
): Promise<boolean> {
  const name = rotation.retiredNamedValueId!;
  const apim = apimClientForInstance(rotation.instance);
  const call = { correlationId: ctx.requestId };
  const displayName = name === rotation.oldNamedValueId ? rotation.oldDisplayName : rotation.newDisplayName;
  try {
    // Someone may have written `{{name}}` by hand during the grace period: deleting it would break them.
    await refuseHandWrittenReferences(rotation.instance, displayName, ctx.requestId);
    const { value: etag } = await apim.getNamedValueEtag(name, call);
    // Already gone (deleted by hand): the clean-up's work is done.
    if (etag !== null) await apim.deleteNamedValue(name, { etag }, call);
  } catch (error) {
    const reason = isAppError(error) ? error.message : "an internal error (see the server log)";
    if (!isAppError(error)) log.error({ err: error, rotationId: rotation.id }, "a retired named value was not deleted");
    await updateRotation(
      ctx,
      "delete_retired",
      rotation.id,
      { deletedAt: null, error: `Deleting ${name} failed (retried on the next run): ${reason}` },
      { after: { namedValue: name, error: reason }, outcome: "failure" },
    );
    return false;
  }
  await updateRotation(
    ctx,
    "delete_retired",
    rotation.id,
    { deletedAt: now, status: rotation.status === "applied" ? "completed" : rotation.status, error: null },
    { after: { namedValue: name } },
  );
  return true;
}
