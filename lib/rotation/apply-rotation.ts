import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import type { SecretRotation } from "../db/generated/client";
import { startDeployment } from "../deployments/start-deployment";
import { AppError, isAppError } from "../errors";
import { log } from "../log";
import { parseInput } from "../validation";
import { requireApproval } from "./approval-gate";
import { recordRotationStep } from "./record-rotation-step";
import { canApply, currentPlans, findRotationOrThrow, toRotationView } from "./rotation-view";
import { rotationIdInputSchema, type RotationDeploymentEntry, type RotationView } from "./schemas";
import { verifyRotation } from "./verify-rotation";

const MINUTE = 60_000;

export interface StartedRotationApply {
  /** The rotation, `applying`. */
  rotation: RotationView;
  /** Applies each plan, then verifies; schedule it after responding. Never rejects: outcomes are recorded. */
  run: () => Promise<RotationView>;
}

/**
 * Applies the rotation's current plans (each with the approvals its instance requires): the switch to the new named value, or — once a roll back
 * was asked — the switch back. Each plan is an ordinary deployment (its own steps and audit
 * events). When every one succeeded the secret follows the references: after a rotation it is
 * the new named value and the old one is retired, deleted by the scheduled clean-up after the
 * grace period; after a roll back it is the old one again and the new one is retired at once.
 * Then each switched API is verified at the gateway where verification exists.
 */
export async function applyRotation(
  ctx: RequestContext,
  input: { secretId: string; rotationId: string },
): Promise<StartedRotationApply> {
  await authorize(ctx, "config.write");
  const { secretId, rotationId } = parseInput(rotationIdInputSchema, input, "rotation");
  const db = getDb();
  const found = await findRotationOrThrow(db, secretId, rotationId);
  if (!canApply(found))
    throw new AppError("conflict", `This rotation is ${found.status}: there is nothing to apply.`, {
      details: { status: found.status },
    });
  const plans = currentPlans(found);
  await requireApproval(plans);
  const rollingBack = found.rollbackPlans !== null;
  const claimed = await recordRotationStep(
    ctx,
    rollingBack ? "rollback_apply_start" : "apply_start",
    async (tx) => {
      // One conditional update (on the row as read): two admins pressing "Apply" at once, or
      // taking over the same stale apply, start one apply.
      const { count } = await tx.secretRotation.updateMany({
        where: { id: found.id, status: found.status, updatedAt: found.updatedAt },
        data: { status: "applying", deployments: [], verifications: [], error: null, updatedAt: new Date() },
      });
      if (count === 0) throw new AppError("conflict", "This rotation was applied by someone else in the meantime.");
      return tx.secretRotation.findUniqueOrThrow({ where: { id: found.id } });
    },
    () => ({ after: { plans: plans.map(({ apiId, planId }) => ({ apiId, planId })) } }),
  );
  return { rotation: toRotationView(claimed), run: () => runApply(ctx, claimed, rollingBack) };
}

async function runApply(ctx: RequestContext, rotation: SecretRotation, rollingBack: boolean): Promise<RotationView> {
  const db = getDb();
  const deployments: RotationDeploymentEntry[] = [];
  try {
    for (const plan of currentPlans(rotation)) {
      deployments.push(await deploy(ctx, plan));
      // Progress for the console: the deployments have their own audit events.
      await db.secretRotation.update({
        where: { id: rotation.id },
        data: { deployments: deployments as Prisma.InputJsonValue, updatedAt: new Date() },
      });
    }
  } catch (error) {
    log.error({ err: error, rotationId: rotation.id }, "a rotation's apply stopped");
  }
  const failed = deployments.filter((deployment) => deployment.status !== "succeeded");
  const complete = deployments.length === currentPlans(rotation).length && failed.length === 0;
  const now = new Date();
  const ended = await recordRotationStep(
    ctx,
    rollingBack ? "rollback_apply" : "apply",
    async (tx) => {
      if (!complete)
        return tx.secretRotation.update({
          where: { id: rotation.id },
          data: {
            status: "failed",
            deployments: deployments as Prisma.InputJsonValue,
            error: `${failed.length + currentPlans(rotation).length - deployments.length} of ${currentPlans(rotation).length} plans were not applied (${failed.map((entry) => `${entry.apiId}: ${entry.status}`).join(", ") || "stopped"}); apply again, or make a fresh rotation.`,
            updatedAt: now,
          },
        });
      await tx.secret.update({
        where: { id: rotation.secretId },
        data: rollingBack
          ? {
              namedValueId: rotation.oldNamedValueId,
              displayName: rotation.oldDisplayName,
              fingerprint: rotation.oldFingerprint,
              rotatedAt: rotation.oldRotatedAt,
            }
          : {
              namedValueId: rotation.newNamedValueId,
              displayName: rotation.newDisplayName,
              fingerprint: rotation.newFingerprint,
              rotatedAt: now,
              rotationDueNotifiedAt: null,
            },
      });
      return tx.secretRotation.update({
        where: { id: rotation.id },
        data: {
          status: rollingBack ? "rolled_back" : "applied",
          deployments: deployments as Prisma.InputJsonValue,
          ...(rollingBack ? {} : { appliedAt: now }),
          retiredNamedValueId: rollingBack ? rotation.newNamedValueId : rotation.oldNamedValueId,
          deleteAfter: rollingBack ? now : new Date(now.getTime() + rotation.graceMinutes * MINUTE),
          updatedAt: now,
        },
      });
    },
    (row) => ({
      after: {
        deployments,
        inUse: complete ? (rollingBack ? row.oldDisplayName : row.newDisplayName) : null,
        retired: row.retiredNamedValueId,
        deleteAfter: row.deleteAfter?.toISOString() ?? null,
      },
      outcome: complete ? "success" : "failure",
    }),
  );
  if (!complete) return toRotationView(ended);
  try {
    return toRotationView(await verifyRotation(ctx, ended, currentPlans(rotation)));
  } catch (error) {
    // The apply is recorded; a verification that could not run leaves it unverified.
    log.error({ err: error, rotationId: rotation.id }, "a rotation's verification could not run");
    return toRotationView(ended);
  }
}

/** One plan applied as an ordinary deployment; a plan that cannot start (lint errors) counts as failed. */
async function deploy(ctx: RequestContext, plan: { apiId: string; planId: string }): Promise<RotationDeploymentEntry> {
  try {
    const { deployment, run } = await startDeployment(ctx, { planId: plan.planId });
    const finished = await run();
    return { apiId: plan.apiId, planId: plan.planId, deploymentId: deployment.id, status: finished.status };
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { apiId: plan.apiId, planId: plan.planId, deploymentId: "", status: `not started: ${error.message}` };
  }
}
