import { runAudited } from "../audit/append-audit-event";
import type { AuditInput } from "../audit/audit-input";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { log } from "../log";

type SecretEvent = Pick<AuditInput, "action" | "target" | "before" | "after" | "outcome">;

/**
 * Records a change APIM has already made: the secret row and its audit event in one
 * transaction, so neither exists without the other.
 *
 * Why the ARM write comes first: if this transaction then fails (say the database is down),
 * APIM holds the change and Portcullis has no record or event of it. A new secret then shows
 * as "external" and a rotated one keeps its old fingerprint: out of date, never claiming
 * something APIM does not hold. The other order would record a change APIM may never make,
 * in an audit trail that cannot take events back; and undoing the ARM write instead is not
 * possible, because restoring a rotated secret needs the old value, which we never had.
 * The failure is logged (names only) so an operator can reconcile.
 */
export async function recordSecretChange<T>(
  ctx: RequestContext,
  subject: { instanceId: string; namedValueId: string },
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  describe: (result: T) => SecretEvent,
): Promise<T> {
  try {
    return await runAudited(getDb(), work, (result) => ({
      ...describe(result),
      actor: ctx.actor,
      requestId: ctx.requestId,
      armCorrelationId: ctx.requestId,
      clientIp: ctx.clientIp,
    }));
  } catch (error) {
    log.error(
      { err: error, requestId: ctx.requestId, ...subject },
      "APIM made a secret change that Portcullis could not record",
    );
    throw error;
  }
}
