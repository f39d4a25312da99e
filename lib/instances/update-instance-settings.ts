import { z } from "zod";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { findInstanceOrThrow } from "./find-instance";
import { instanceSettingsInputSchema, toInstanceView, type InstanceView } from "./schemas";

const inputSchema = z.strictObject({
  instanceId: z.guid("must be an instance id"),
  settings: instanceSettingsInputSchema,
});

const SETTINGS = ["environment", "approvalsRequired", "automationApprovers", "approvalLifetimeHours"] as const;

/**
 * Changes an instance's environment and four-eyes settings (whether applies need approval, how
 * many, whether automation may approve, how long an approval lasts). Settings not given stay.
 * Approvals already given are weighed against the settings at the time of the apply.
 */
export async function updateInstanceSettings(ctx: RequestContext, input: unknown): Promise<InstanceView> {
  await authorize(ctx, "config.write");
  const { instanceId, settings } = parseInput(inputSchema, input, "instance settings");
  return auditedTransaction(getDb(), async (tx) => {
    const before = await findInstanceOrThrow(tx, instanceId);
    const changed = SETTINGS.filter((key) => settings[key] !== undefined && settings[key] !== before[key]);
    if (changed.length === 0) return toInstanceView(before);
    const data = Object.fromEntries(changed.map((key) => [key, settings[key]]));
    const updated = await tx.instance.update({ where: { id: instanceId }, data });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.settings",
      target: { type: "instance", id: instanceId },
      before: Object.fromEntries(changed.map((key) => [key, before[key]])),
      after: data,
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return toInstanceView(updated);
  });
}
