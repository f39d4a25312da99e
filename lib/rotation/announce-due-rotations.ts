import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { publishEvent } from "../notifications/publish-event";
import { rotationAge } from "./rotation-due";

/** What is announced of a secret due for rotation: names and dates, never a value. */
export interface DueSecret {
  secretId: string;
  instanceId: string;
  name: string;
  ageDays: number;
  intervalDays: number;
  dueAt: string;
}

/**
 * The scheduled check (job `rotation-due`): each typed secret whose rotation policy says it is
 * due is announced once per due period — marked with one conditional UPDATE, published as the
 * `secret.rotation_due` notification (the webhook outbox, lib/notifications) and audited in the
 * same transaction, so several Portcullis processes announce it once and a crash loses nothing. A rotation or a new policy clears the mark.
 */
export async function announceDueRotations(ctx: RequestContext, input: { now: Date }): Promise<number> {
  const db = getDb();
  const candidates = await db.secret.findMany({
    where: { kind: "value", rotationIntervalDays: { not: null }, rotationDueNotifiedAt: null },
  });
  let announced = 0;
  for (const secret of candidates) {
    const age = rotationAge(secret, input.now);
    if (!age.due || age.dueAt === null || secret.rotationIntervalDays === null) continue;
    const due: DueSecret = {
      secretId: secret.id,
      instanceId: secret.instanceId,
      name: secret.displayName,
      ageDays: age.ageDays,
      intervalDays: secret.rotationIntervalDays,
      dueAt: age.dueAt.toISOString(),
    };
    const marked = await auditedTransaction(db, async (tx) => {
      const { count } = await tx.secret.updateMany({
        where: { id: secret.id, rotationDueNotifiedAt: null },
        data: { rotationDueNotifiedAt: input.now },
      });
      if (count === 0) return false;
      const { instanceId, ...data } = due;
      const eventId = await publishEvent(tx, { type: "secret.rotation_due", instanceId, data }, input.now);
      await appendAuditEvent(tx, {
        actor: ctx.actor,
        action: "secret.rotation_due",
        target: { type: "secret", id: secret.id },
        after: { ...due, notificationId: eventId },
        outcome: "success",
        requestId: ctx.requestId,
      });
      return true;
    });
    if (marked) announced += 1;
  }
  return announced;
}
