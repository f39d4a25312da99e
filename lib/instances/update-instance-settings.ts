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
import {
  FOUR_EYES_SETTINGS,
  fourEyesSettingsOf,
  protectionLowered,
  splitByProtection,
  withChanges,
  type FourEyesSettings,
} from "./settings-protection";

const inputSchema = z.strictObject({
  instanceId: z.guid("must be an instance id"),
  settings: instanceSettingsInputSchema,
});

const HOUR = 3_600_000;

export interface SettingsUpdate {
  /** The instance as it is now: changed, or as it was while the change waits for approval. */
  instance: InstanceView;
  /** The part held for approval because it lowers protection; null when all of it applied at once. */
  pendingChange: InstanceSettingsChangeView | null;
  /** The settings that changed at once (all that changed, or the stricter part of a mixed change). */
  appliedNow: Array<keyof FourEyesSettings>;
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
 * credentials) may not even ask for one: refused whole and audited. A change that keeps or raises
 * protection applies at once; a mixed one is split (splitByProtection): its stricter settings apply
 * at once (audited as `instance.settings`), and only the lowering rest waits, weighed from there.
 * Approvals already given to plans are weighed against the settings at the time of the apply.
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
    if (FOUR_EYES_SETTINGS.every((key) => after[key] === before[key]))
      return { row, before, changeId: null, refused: null };
    if (effectiveApprovalsRequired(before) === 0) {
      const updated = await applyInstanceSettings(tx, ctx, { instanceId, before, after }, now);
      return { row: updated, before, changeId: null, refused: null };
    }
    const { stricter, lowers } = splitByProtection(before, after);
    if (lowers.length > 0 && ctx.actor.type === "app")
      return { row, before, changeId: null, refused: { before, after, lowers: protectionLowered(before, after) } };
    // The stricter part applies now (and supersedes a pending change, weighed against old settings).
    const raised = FOUR_EYES_SETTINGS.some((key) => stricter[key] !== before[key])
      ? await applyInstanceSettings(tx, ctx, { instanceId, before, after: stricter }, now)
      : row;
    if (lowers.length === 0) return { row: raised, before, changeId: null, refused: null };
    await supersedePendingChange(tx, ctx, instanceId, now);
    // The lowering part waits, weighed from the settings as they are now: its approvals are bound to that.
    const change = await tx.instanceSettingsChange.create({
      data: {
        id: randomUUID(),
        instanceId,
        changeHash: settingsChangeHash(instanceId, stricter, after),
        before: stricter as unknown as Prisma.InputJsonValue,
        after: after as unknown as Prisma.InputJsonValue,
        status: "pending",
        requestedBy: ctx.actor.name,
        requestedByOid: ctx.actor.oid,
        requestedByType: ctx.actor.type,
        createdAt: now,
        // It waits no longer than an approval of it would last (the job expires it then).
        expiresAt: new Date(now.getTime() + stricter.approvalLifetimeHours * HOUR),
      },
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.settings.request",
      target: { type: "instance", id: instanceId },
      before: stricter,
      after: { ...after, changeId: change.id, changeHash: change.changeHash, lowers },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return { row: raised, before, changeId: change.id, refused: null };
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
  const applied = fourEyesSettingsOf(outcome.row);
  return {
    instance: toInstanceView(outcome.row),
    appliedNow: FOUR_EYES_SETTINGS.filter((key) => applied[key] !== outcome.before[key]),
    pendingChange: outcome.changeId
      ? toSettingsChangeView(await findSettingsChangeOrThrow(db, outcome.changeId), ctx.actor, now)
      : null,
  };
}
