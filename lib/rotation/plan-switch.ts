import type { RequestContext } from "../auth/request-context";
import type { Prisma } from "../db";
import { isAppError } from "../errors";
import { updateRotation } from "./record-rotation-step";
import { switchReferences } from "./switch-references";

/**
 * Plans the switch of every reference from one named value to the other and records the plans
 * (`plans`, or `rollbackPlans` for a roll back) with the step's audit event. A switch that
 * cannot be planned (a profile saved in between, APIM unreachable) records the reason: a
 * rotation that cannot be planned is over (`failed`) and its new named value, which nothing
 * uses, is retired; a roll back that cannot be planned leaves the rotation applied, inside its
 * grace period, so the admin may try again.
 */
export async function planSwitch(
  ctx: RequestContext,
  rotation: { id: string; instanceId: string },
  step: "plan" | "rollback",
  from: string,
  to: string,
) {
  try {
    const plans = await switchReferences(ctx, { instanceId: rotation.instanceId, from, to });
    const planned = plans as Prisma.InputJsonValue;
    return await updateRotation(
      ctx,
      step,
      rotation.id,
      step === "plan"
        ? { plans: planned, status: "planned", error: null }
        : { rollbackPlans: planned, status: "rollback_planned", error: null },
      { after: { from, to, plans } },
    );
  } catch (error) {
    const reason = isAppError(error) ? error.message : "an internal error (see the server log)";
    await updateRotation(
      ctx,
      step,
      rotation.id,
      {
        error: `The switch from ${from} to ${to} could not be planned: ${reason}`,
        // A roll back that could not be planned gives its claim back: the rotation is applied again.
        ...(step === "plan"
          ? { status: "failed", retiredNamedValueId: to, deleteAfter: new Date() }
          : { status: "applied" }),
      },
      { after: { from, to, error: reason }, outcome: "failure" },
    );
    throw error;
  }
}
