import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { findRotationOrThrow, toRotationView } from "./rotation-view";
import { rotationIdInputSchema, type RotationView } from "./schemas";

export async function getRotation(
  ctx: RequestContext,
  input: { secretId: string; rotationId: string },
): Promise<RotationView> {
  await authorize(ctx, "config.read");
  const { secretId, rotationId } = parseInput(rotationIdInputSchema, input, "rotation");
  return toRotationView(await findRotationOrThrow(getDb(), secretId, rotationId));
}
