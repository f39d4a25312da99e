import { runAudited } from "../audit/append-audit-event";
import { apimClientForInstance } from "../apim/client-for-instance";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { findSecretOrThrow } from "../secrets/find-secret";
import type { SecretView } from "../secrets/schemas";
import { managedSecretView } from "../secrets/secret-view";
import { parseInput } from "../validation";
import { rotationPolicyInputSchema } from "./schemas";

/**
 * Sets a typed secret's rotation policy: rotate every N days (null: none). The secret shows as
 * due once that long has passed since its value was set, and the scheduled check announces it.
 */
export async function setRotationPolicy(
  ctx: RequestContext,
  input: { secretId: string; intervalDays: number | null },
): Promise<SecretView> {
  await authorize(ctx, "config.write");
  const { secretId, intervalDays } = parseInput(rotationPolicyInputSchema, input, "rotation policy");
  const db = getDb();
  const secret = await findSecretOrThrow(db, secretId);
  if (secret.kind !== "value")
    throw new AppError(
      "conflict",
      `"${secret.displayName}" refers to a Key Vault secret: its rotation is Key Vault's (a rotation policy there).`,
      { fields: [{ path: "intervalDays", message: "applies only to typed values" }] },
    );
  const saved = await runAudited(
    db,
    (tx) =>
      tx.secret.update({
        where: { id: secret.id },
        // A new policy may make the secret due again: announce it anew.
        data: { rotationIntervalDays: intervalDays, rotationDueNotifiedAt: null },
      }),
    () => ({
      actor: ctx.actor,
      action: "secret.rotation_policy",
      target: { type: "secret", id: secret.id },
      before: { intervalDays: secret.rotationIntervalDays },
      after: { intervalDays },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    }),
  );
  const { value: live } = await apimClientForInstance(secret.instance).getNamedValue(secret.namedValueId, {
    correlationId: ctx.requestId,
  });
  return managedSecretView(saved, live);
}
