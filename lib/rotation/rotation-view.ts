import { z } from "zod";
import type { Prisma, SecretRotation } from "../db/generated/client";
import { isUuid } from "../apis/find-api";
import { parseStored } from "../db/parse-stored";
import { AppError } from "../errors";
import {
  rotationDeploymentEntrySchema,
  rotationPlanEntrySchema,
  rotationVerificationEntrySchema,
  type RotationPlanEntry,
  type RotationStatus,
  type RotationView,
} from "./schemas";

const plansSchema = z.array(rotationPlanEntrySchema);

export async function findRotationOrThrow(
  db: Prisma.TransactionClient,
  secretId: string,
  rotationId: string,
): Promise<SecretRotation> {
  const row = isUuid(rotationId) ? await db.secretRotation.findUnique({ where: { id: rotationId } }) : null;
  if (!row || row.secretId !== secretId) throw new AppError("not_found", "This secret has no such rotation.");
  return row;
}

/** The plans an apply carries out now: the roll back's once one was asked, else the switch's. */
export function currentPlans(row: SecretRotation): RotationPlanEntry[] {
  const at = (field: string) => ({ record: `secret rotation ${row.id}`, field });
  return row.rollbackPlans === null
    ? parseStored(plansSchema, row.plans, at("plans"))
    : parseStored(plansSchema, row.rollbackPlans, at("rollbackPlans"));
}

/**
 * An apply records progress after every deployment; one silent this long was left by a process
 * that died, and may be applied again (deployments converge: what was done is skipped).
 */
export const STALE_APPLY_MS = 15 * 60_000;

/**
 * A failed apply is carried on by applying again, and so is one a dead process left `applying`;
 * a switch that could not even be planned is over.
 */
export function canApply(row: SecretRotation, now = new Date()): boolean {
  return (
    row.status === "planned" ||
    row.status === "rollback_planned" ||
    (row.status === "failed" && row.deployments !== null) ||
    (row.status === "applying" && now.getTime() - row.updatedAt.getTime() > STALE_APPLY_MS)
  );
}

/** Whether the rotation still holds the secret's references (a second rotation would race it). */
export function isOpen(row: SecretRotation): boolean {
  return canApply(row) || ["applying", "applied", "rollback_planning"].includes(row.status);
}

/** Roll back: only while the old named value is kept, i.e. inside the grace period. */
export function canRollBack(row: SecretRotation, now: Date): boolean {
  const staleClaim = row.status === "rollback_planning" && now.getTime() - row.updatedAt.getTime() > STALE_APPLY_MS;
  return (
    (row.status === "applied" || staleClaim) &&
    row.deletedAt === null &&
    (row.deleteAfter === null || row.deleteAfter.getTime() > now.getTime())
  );
}

/**
 * The claim a roll back makes before planning, as the WHERE of one conditional UPDATE: applied,
 * the old named value not claimed by the clean-up (`deletedAt`), inside the grace period. The
 * clean-up claims only `applied` rows whose grace period is over, so of the two exactly one wins,
 * whatever the timing. A claim left by a process that died while planning (`rollback_planning`
 * silent for STALE_APPLY_MS) may be taken again.
 */
export function rollBackClaim(row: SecretRotation, now: Date): Prisma.SecretRotationWhereInput {
  return {
    id: row.id,
    deletedAt: null,
    OR: [{ deleteAfter: null }, { deleteAfter: { gt: now } }],
    AND: [
      {
        OR: [
          { status: "applied" },
          { status: "rollback_planning", updatedAt: { lt: new Date(now.getTime() - STALE_APPLY_MS) } },
        ],
      },
    ],
  };
}

export function toRotationView(row: SecretRotation, now = new Date()): RotationView {
  const at = (field: string) => ({ record: `secret rotation ${row.id}`, field });
  return {
    id: row.id,
    secretId: row.secretId,
    instanceId: row.instanceId,
    status: row.status as RotationStatus,
    oldNamedValue: { name: row.oldDisplayName, fingerprint: row.oldFingerprint },
    newNamedValue: { name: row.newDisplayName, fingerprint: row.newFingerprint },
    plans: parseStored(plansSchema, row.plans, at("plans")),
    rollbackPlans: row.rollbackPlans === null ? null : parseStored(plansSchema, row.rollbackPlans, at("rollbackPlans")),
    deployments: parseStored(z.array(rotationDeploymentEntrySchema), row.deployments ?? [], at("deployments")),
    verifications: parseStored(z.array(rotationVerificationEntrySchema), row.verifications ?? [], at("verifications")),
    graceMinutes: row.graceMinutes,
    appliedAt: row.appliedAt?.toISOString() ?? null,
    retiredNamedValue: row.retiredNamedValueId,
    deleteAfter: row.deleteAfter?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    canApply: canApply(row, now),
    canRollBack: canRollBack(row, now),
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}
