import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { canRollBack, findRotationOrThrow, rollBackClaim, toRotationView } from "./rotation-view";
import { rotationIdInputSchema, type RotationView } from "./schemas";
import { planSwitch } from "./plan-switch";

/**
 * "Roll back" inside the grace period: plans the switch of every reference from the new named
 * value back to the old one (which is still kept), as ordinary plans the admin reads and then
 * applies with applyRotation. Nothing in APIM changes here. After the grace period the old
 * named value is gone and there is nothing to go back to: rotate again instead. The rotation is
 * claimed (`rollback_planning`) before planning, so the clean-up cannot delete the old named value
 * while the roll back that needs it is planned (rollBackClaim).
 */
export async function rollBackRotation(
  ctx: RequestContext,
  input: { secretId: string; rotationId: string },
): Promise<RotationView> {
  await authorize(ctx, "config.write");
  const { secretId, rotationId } = parseInput(rotationIdInputSchema, input, "rotation");
  const rotation = await findRotationOrThrow(getDb(), secretId, rotationId);
  if (!canRollBack(rotation, new Date()))
    throw new AppError(
      "conflict",
      rotation.status === "applied"
        ? `The grace period ended at ${rotation.deleteAfter?.toISOString()}: the old named value "${rotation.oldDisplayName}" is deleted or about to be, so there is nothing to roll back to. Rotate again.`
        : `This rotation is ${rotation.status}: only an applied rotation inside its grace period can be rolled back.`,
      { details: { status: rotation.status } },
    );
  const now = new Date();
  const { count } = await getDb().secretRotation.updateMany({
    where: rollBackClaim(rotation, now),
    data: { status: "rollback_planning", updatedAt: now },
  });
  if (count === 0)
    throw new AppError(
      "conflict",
      `The rotation changed while the roll back was asked (its grace period ended, the clean-up took the old named value "${rotation.oldDisplayName}", or another roll back is being planned). Reload it.`,
    );
  return toRotationView(await planSwitch(ctx, rotation, "rollback", rotation.newDisplayName, rotation.oldDisplayName));
}
