import { runAudited } from "../audit/append-audit-event";
import type { AuditOutcome } from "../audit/audit-input";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import type { SecretRotation } from "../db/generated/client";

/**
 * Every step of a rotation is one audit event (`secret.rotation.<step>`, target the secret)
 * committed with the change it describes. `after` holds names, fingerprints, ids and statuses:
 * never a key.
 */
export function recordRotationStep(
  ctx: RequestContext,
  step: string,
  work: (tx: Prisma.TransactionClient) => Promise<SecretRotation>,
  describe: (row: SecretRotation) => { after: Record<string, unknown>; before?: unknown; outcome?: AuditOutcome },
): Promise<SecretRotation> {
  return runAudited(getDb(), work, (row) => {
    const { after, before, outcome } = describe(row);
    return {
      actor: ctx.actor,
      action: `secret.rotation.${step}`,
      target: { type: "secret", id: row.secretId },
      before,
      after: { rotationId: row.id, status: row.status, ...after },
      outcome: outcome ?? "success",
      requestId: ctx.requestId,
      armCorrelationId: ctx.requestId,
      clientIp: ctx.clientIp,
    };
  });
}

/** The common step: one update of the rotation, and its event. */
export function updateRotation(
  ctx: RequestContext,
  step: string,
  rotationId: string,
  data: Prisma.SecretRotationUpdateInput,
  event: { after: Record<string, unknown>; outcome?: AuditOutcome },
): Promise<SecretRotation> {
  return recordRotationStep(
    ctx,
    step,
    (tx) => tx.secretRotation.update({ where: { id: rotationId }, data: { ...data, updatedAt: new Date() } }),
    () => event,
  );
}
