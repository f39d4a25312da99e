import type { NamedValue } from "../apim";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError, isAppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { parseInput } from "../validation";
import { failSecretChange } from "./fail-secret-change";
import { findSecretOrThrow } from "./find-secret";
import { fingerprintOf } from "./fingerprint";
import { recordSecretChange } from "./record-secret-change";
import { rotateSecretInputSchema, type SecretView } from "./schemas";
import { managedSecretView } from "./secret-view";

/**
 * Replaces a typed secret's value. The write carries the ETag just read (If-Match, never `*`),
 * so a change someone else made in between fails with 412 instead of being overwritten.
 * Key Vault references rotate in Key Vault; see refreshKeyVaultSecret.
 */
export async function rotateSecret(
  ctx: RequestContext,
  input: { secretId: string; value: string },
): Promise<SecretView> {
  await authorize(ctx, "config.write");
  const { secretId, value } = parseInput(rotateSecretInputSchema, input, "secret");
  const fingerprint = fingerprintOf(value);
  const secret = await findSecretOrThrow(getDb(), secretId);
  if (secret.kind === "keyVault") {
    throw new AppError(
      "conflict",
      `"${secret.displayName}" refers to a Key Vault secret: rotate it in Key Vault, then refresh it here so APIM fetches the new version at once.`,
    );
  }
  const apim = apimClientForInstance(secret.instance);
  const call = { correlationId: ctx.requestId };
  const target = { type: "secret", id: secret.id };

  let rotated: NamedValue;
  try {
    const { value: current } = await apim.getNamedValue(secret.namedValueId, call);
    if (!current)
      throw new AppError(
        "not_found",
        `APIM no longer has the named value "${secret.displayName}" (it was deleted outside Portcullis); create it again.`,
      );
    if (current.keyVault)
      throw new AppError(
        "conflict",
        `"${current.displayName}" now refers to a Key Vault secret in APIM (changed outside Portcullis); it was not rotated.`,
      );
    const replacement = { displayName: current.displayName, tags: current.tags, value, secret: true };
    rotated = (await apim.putNamedValue(current.name, replacement, { etag: current.etag }, call)).value;
  } catch (error) {
    return failSecretChange(
      ctx,
      explained(error, secret.displayName),
      { action: "secret.rotate", target, before: { fingerprint: secret.fingerprint }, after: { fingerprint } },
      value,
    );
  }

  const saved = await recordSecretChange(
    ctx,
    { instanceId: secret.instanceId, namedValueId: secret.namedValueId },
    (tx) =>
      tx.secret.update({
        where: { id: secret.id },
        data: { fingerprint, displayName: rotated.displayName, rotatedAt: new Date() },
      }),
    () => ({
      action: "secret.rotate",
      target,
      before: { fingerprint: secret.fingerprint },
      after: { fingerprint },
      outcome: "success",
    }),
  );
  return managedSecretView(saved, rotated);
}

/** The ARM client's 412 speaks of plans; say what it means for a rotation. */
function explained(error: unknown, name: string): unknown {
  if (!isAppError(error) || error.code !== "precondition_failed") return error;
  const landed = error.details.mayHaveLanded
    ? " An earlier attempt of this rotation may have been written, so APIM may hold the new value already."
    : "";
  return new AppError(
    "precondition_failed",
    `The named value "${name}" changed in APIM after Portcullis read it, so the new value was not written over that change.${landed} Rotate again to replace what it holds now.`,
    {
      details: error.details,
    },
  );
}
