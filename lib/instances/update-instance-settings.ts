import { randomUUID } from "node:crypto";
import { z } from "zod";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { effectiveApprovalsRequired } from "../deployments/approval/approval-rules";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { applyInstanceSettings, supersedePendingChange } from "./apply-instance-settings";
import { findInstanceOrThrow } from "./find-instance";
import {
  instanceSettingsInputSchema,
  toInstanceView,
  type InstanceSettingsChangeView,
  type InstanceView,
} from "./schemas";
import { findSettingsChangeOrThrow, settingsChangeHash, toSettingsChangeView } from "./settings-change-state";
import { FOUR_EYES_SETTINGS, fourEyesSettingsOf, protectionLowered, withChanges } from "./settings-protection";

const inputSchema = z.strictObject({
  instanceId: z.guid("must be an instance id"),
  settings: instanceSettingsInputSchema,
});

const HOUR = 3_600_000;

export interface SettingsUpdate {
  /** The instance as it is now: changed, or as it was while the change waits for approval. */
  instance: InstanceView;
  /** The change held for approval because it lowers protection; null when it applied at once. */
  pendingChange: InstanceSettingsChangeView | null;
}

/**
 * Changes an instance's environment and four-eyes settings (whether applies need approval, how
 * many, whether automation may approve, how long an approval lasts). Settings not given stay.
 *
 * Separation of duties: while the instance's applies need approval, a change that lowers its
 * protection (settings-protection.ts) does not apply; it is held as a pending settings change
 * that admins other than its author must approve, as many as a plan would need
 * (record-settings-change-decision.ts), and asking again supersedes it. Unapproved after the
 * instance's approval lifetime, it expires (the approval-expiry job). Automation (client
 * credentials) may not even ask for one: refused and audited. A change that keeps or raises
 * protection applies at once. Approvals already given to plans are weighed against the settings
 * at the time of the apply.
 */
export async function updateInstanceSettings(ctx: RequestContext, input: unknown): Promise<SettingsUpdate> {
  await authorize(ctx, "config.write");
  const { instanceId, settings } = parseInput(inputSchema, input, "instance settings");
  const db = getDb();
  const now = new Date();
  const outcome = await auditedTransaction(db, async (tx) => {
    const row = await findInstanceOrThrow(tx, instanceId);
    const before = fourEyesSettingsOf(row);
    const after = withChanges(before, settings);
    if (FOUR_EYES_SETTINGS.every((key) => after[key] === before[key])) return { row, changeId: null, refused: null };
    const lowers = effectiveApprovalsRequired(before) > 0 ? protectionLowered(before, after) : [];
    if (lowers.length === 0) {
      const updated = await applyInstanceSettings(tx, ctx, { instanceId, before, after }, now);
      return { row: updated, changeId: null, refused: null };
    }
    if (ctx.actor.type === "app") return { row, changeId: null, refused: { before, after, lowers } };
    await supersedePendingChange(tx, ctx, instanceId, now);
    const change = await tx.instanceSettingsChange.create({
      data: {
        id: randomUUID(),
        instanceId,
        changeHash: settingsChangeHash(instanceId, before, after),
        before: before as unknown as Prisma.InputJsonValue,
        after: after as unknown as Prisma.InputJsonValue,
        status: "pending",
        requestedBy: ctx.actor.name,
        requestedByOid: ctx.actor.oid,
        requestedByType: ctx.actor.type,
        createdAt: now,
        // It waits no longer than an approval of it would last (the job expires it then).
        expiresAt: new Date(now.getTime() + before.approvalLifetimeHours * HOUR),
      },
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.settings.request",
      target: { type: "instance", id: instanceId },
      before,
      after: { ...after, changeId: change.id, changeHash: change.changeHash, lowers },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return { row, changeId: change.id, refused: null };
  });
  if (outcome.refused) {
    await auditedTransaction(db, (tx) =>
      appendAuditEvent(tx, {
        actor: ctx.actor,
        action: "instance.settings",
        target: { type: "instance", id: instanceId },
        before: outcome.refused.before,
        after: { ...outcome.refused.after, lowers: outcome.refused.lowers },
        outcome: "denied",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      }),
    );
    throw new AppError(
      "forbidden",
      `Automation (client credentials) cannot lower the protection of an instance whose applies need approval (${outcome.refused.lowers.join("; ")}): an admin must ask for it, and another admin approve it.`,
    );
  }
  return {
    instance: toInstanceView(outcome.row),
    pendingChange: outcome.changeId
      ? toSettingsChangeView(await findSettingsChangeOrThrow(db, outcome.changeId), ctx.actor, now)
      : null,
  };
}
