import type { ArmErrorDetails } from "../apim";
import { recordAuditEvent } from "../audit/append-audit-event";
import type { AuditInput } from "../audit/audit-input";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { isAppError } from "../errors";
import { withoutValue } from "./without-value";

/**
 * Ends a secret change whose ARM call failed: APIM refused or could not be reached, so the
 * database is left as it was and the attempt itself is the audit event (outcome `failure`,
 * with the reason). Throws the error for the caller, with the typed value scrubbed from it.
 */
export async function failSecretChange(
  ctx: RequestContext,
  error: unknown,
  event: Pick<AuditInput, "action" | "target" | "before"> & { after: Record<string, unknown> },
  value?: string,
): Promise<never> {
  const safe = value === undefined ? error : withoutValue(error, value);
  await recordAuditEvent(getDb(), {
    actor: ctx.actor,
    action: event.action,
    target: event.target,
    before: event.before,
    after: { ...event.after, error: summaryOf(safe) },
    outcome: "failure",
    requestId: ctx.requestId,
    armCorrelationId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  throw safe;
}

function summaryOf(error: unknown): Record<string, unknown> {
  if (!isAppError(error)) return { code: "internal" };
  const { status, armCode, mayHaveLanded } = error.details as Partial<ArmErrorDetails>;
  return { code: error.code, message: error.message, status, armCode, mayHaveLanded };
}
