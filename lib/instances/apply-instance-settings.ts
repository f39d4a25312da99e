import { appendAuditEvent, type AuditTx } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { FOUR_EYES_SETTINGS, type FourEyesSettings } from "./settings-protection";

/**
 * Writes an instance's new four-eyes settings with their `instance.settings` audit event (what
 * changed, before and after, and the approved change it comes from, if any). A settings change
 * still pending for the instance is superseded: it was weighed against settings that no longer
 * hold. Called where a change applies at once (it keeps or raises protection) and where an
 * approved change applies.
 */
export async function applyInstanceSettings(
  tx: AuditTx,
  ctx: RequestContext,
  input: {
    instanceId: string;
    before: FourEyesSettings;
    after: FourEyesSettings;
    approvedChange?: { id: string; changeHash: string; approvedBy: string[] };
  },
  now: Date,
) {
  const changed = FOUR_EYES_SETTINGS.filter((key) => input.after[key] !== input.before[key]);
  const data = Object.fromEntries(changed.map((key) => [key, input.after[key]]));
  const updated = await tx.instance.update({ where: { id: input.instanceId }, data });
  await supersedePendingChange(tx, ctx, input.instanceId, now);
  await appendAuditEvent(tx, {
    actor: ctx.actor,
    action: "instance.settings",
    target: { type: "instance", id: input.instanceId },
    before: Object.fromEntries(changed.map((key) => [key, input.before[key]])),
    after: {
      ...data,
      ...(input.approvedChange
        ? {
            changeId: input.approvedChange.id,
            changeHash: input.approvedChange.changeHash,
            approvedBy: input.approvedChange.approvedBy,
          }
        : {}),
    },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  return updated;
}

/** Marks the instance's pending settings change (there is at most one) superseded, audited. */
export async function supersedePendingChange(tx: AuditTx, ctx: RequestContext, instanceId: string, now: Date) {
  const pending = await tx.instanceSettingsChange.findFirst({ where: { instanceId, status: "pending" } });
  if (!pending) return;
  await tx.instanceSettingsChange.update({
    where: { id: pending.id },
    data: { status: "superseded", resolvedAt: now },
  });
  await appendAuditEvent(tx, {
    actor: ctx.actor,
    action: "instance.settings.supersede",
    target: { type: "instance_settings_change", id: pending.id },
    after: { changeHash: pending.changeHash, instanceId },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
}
