import { findApiOrThrow } from "../apis/find-api";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import type { SecretRotation } from "../db/generated/client";
import { verifyAndRecord } from "../verification/verify-api-access";
import { updateRotation } from "./record-rotation-step";
import type { RotationPlanEntry, RotationVerificationEntry } from "./schemas";

/**
 * After an apply, proves at the gateway that each switched API still reaches its model with the
 * key it now sends (lib/verification: the model accepts only its own key). A failure is reported
 * on the rotation, not undone: the admin decides to roll back while the old key is kept.
 */
export async function verifyRotation(
  ctx: RequestContext,
  rotation: SecretRotation,
  plans: readonly RotationPlanEntry[],
): Promise<SecretRotation> {
  const verifications: RotationVerificationEntry[] = [];
  for (const plan of plans) {
    const api = await findApiOrThrow(getDb(), plan.apiId);
    const verification = await verifyAndRecord(ctx, api);
    verifications.push({
      apiId: plan.apiId,
      verificationId: verification.id,
      status: verification.status,
      summary: verification.summary,
    });
  }
  const failed = verifications.filter((entry) => entry.status === "failed" || entry.status === "error");
  return updateRotation(
    ctx,
    "verify",
    rotation.id,
    { verifications: verifications as Prisma.InputJsonValue },
    { after: { verifications }, outcome: failed.length === 0 ? "success" : "failure" },
  );
}
