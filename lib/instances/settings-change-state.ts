import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import { isUuid } from "../apis/find-api";
import type { Prisma } from "../db";
import { AppError } from "../errors";
import { parseStored } from "../db/parse-stored";
import { approvalState, type ApprovalState } from "../deployments/approval/approval-rules";
import type { ApprovalSubject } from "../deployments/approval/approval-subject";
import { toApprovalView, toRecordedDecision } from "../deployments/approval/plan-approval-state";
import { instanceSettingsChangeSchema, type InstanceSettingsChangeView } from "./schemas";
import { protectionLowered, type FourEyesSettings } from "./settings-protection";

/** What a settings change row needs included: its decisions and its instance's current settings. */
export const settingsChangeInclude = {
  approvals: { orderBy: { createdAt: "asc" } },
  instance: true,
} satisfies Prisma.InstanceSettingsChangeInclude;

export type SettingsChangeRow = Prisma.InstanceSettingsChangeGetPayload<{ include: typeof settingsChangeInclude }>;

/** The hash approvals of a settings change are bound to: SHA-256 of (instance, before, after). */
export function settingsChangeHash(instanceId: string, before: FourEyesSettings, after: FourEyesSettings): string {
  return createHash("sha256").update(canonicalJson({ instanceId, before, after })).digest("hex");
}

const requesterType = instanceSettingsChangeSchema.shape.requestedBy.shape.type;
const at = (row: { id: string }, field: string) => ({ record: `instance settings change ${row.id}`, field });

export function storedSettings(row: { id: string; before: unknown; after: unknown }) {
  return {
    before: parseStored(instanceSettingsChangeSchema.shape.before, row.before, at(row, "before")),
    after: parseStored(instanceSettingsChangeSchema.shape.before, row.after, at(row, "after")),
  };
}

/**
 * The approval state of a settings change at `now`, under the plan approval rules
 * (approval-rules.ts) and the instance's CURRENT settings: so many approvals as its applies need,
 * never the author's, automation's only where the instance accepts it now, each expiring.
 */
export function settingsChangeApprovalState(change: SettingsChangeRow, now: Date): ApprovalState {
  return approvalState({
    settings: change.instance,
    author: { oid: change.requestedByOid, name: change.requestedBy },
    // A settings change brings nobody else's writing: its asker is its author.
    contributors: [],
    planHash: change.changeHash,
    empty: false,
    decisions: change.approvals.map((row) => toRecordedDecision({ ...row, planHash: row.changeHash })),
    now,
  });
}

/** A change still pending at its expiry: nobody may decide it any more, and nothing lists it as waiting. */
export function settingsChangeExpired(change: { status: string; expiresAt: Date }, now: Date): boolean {
  return change.status === "pending" && change.expiresAt <= now;
}

export function toSettingsChangeView(
  change: SettingsChangeRow,
  viewer: { oid: string },
  now: Date,
): InstanceSettingsChangeView {
  const { before, after } = storedSettings(change);
  return {
    id: change.id,
    instance: { id: change.instance.id, name: change.instance.name },
    hash: change.changeHash,
    // Past its expiry it is expired, whether or not the job has marked it yet.
    status: settingsChangeExpired(change, now)
      ? "expired"
      : parseStored(instanceSettingsChangeSchema.shape.status, change.status, at(change, "status")),
    before,
    after,
    lowers: protectionLowered(before, after),
    requestedBy: {
      type: parseStored(requesterType, change.requestedByType, at(change, "requestedByType")),
      oid: change.requestedByOid,
      name: change.requestedBy,
    },
    ownChange: change.requestedByOid === viewer.oid,
    createdAt: change.createdAt.toISOString(),
    resolvedAt: change.resolvedAt?.toISOString() ?? null,
    expiresAt: change.expiresAt.toISOString(),
    approval: toApprovalView(settingsChangeApprovalState(change, now)),
  };
}

/** Settings change approvals, for auditExpiredApprovals: their expiry is recorded once, like a plan approval's. */
export const SETTINGS_CHANGE_APPROVALS: ApprovalSubject = {
  type: "instance_settings_change",
  noun: "settings change",
  hashKey: "changeHash",
  markRecorded: async (tx, id, now) =>
    (
      await tx.instanceSettingsChangeApproval.updateMany({
        where: { id, expiryAuditedAt: null },
        data: { expiryAuditedAt: now },
      })
    ).count === 1,
};

export async function findSettingsChangeOrThrow(tx: Prisma.TransactionClient, changeId: string) {
  const change = isUuid(changeId)
    ? await tx.instanceSettingsChange.findUnique({ where: { id: changeId }, include: settingsChangeInclude })
    : null;
  if (!change) throw new AppError("not_found", `There is no instance settings change with id ${changeId}.`);
  return change;
}
