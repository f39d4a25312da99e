import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { canRollBack, findRotationOrThrow, toRotationView } from "./rotation-view";
import { rotationIdInputSchema, type RotationView } from "./schemas";
import { planSwitch } from "./plan-switch";

/**
 * "Roll back" inside the grace period: plans the switch of every reference from the new named
 * value back to the old one (which is still kept), as ordinary plans the admin reads and then
 * applies with applyRotation. Nothing in APIM changes here. After the grace period the old
 * named value is gone and there is nothing to go back to: rotate again instead.
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
  return toRotationView(await planSwitch(ctx, rotation, "rollback", rotation.newDisplayName, rotation.oldDisplayName));
}
