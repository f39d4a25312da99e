import type { NamedValue } from "../apim";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { parseInput } from "../validation";
import { failSecretChange } from "./fail-secret-change";
import { findSecretOrThrow } from "./find-secret";
import { recordSecretChange } from "./record-secret-change";
import { secretIdInputSchema, type SecretView } from "./schemas";
import { managedSecretView } from "./secret-view";

/**
 * Makes APIM fetch a Key Vault secret again now (after a rotation in Key Vault) instead of
 * within its 4-hour refresh. Records the `lastStatus` APIM reports; when Key Vault refused,
 * the event's outcome is `failure` and the status carries Key Vault's error.
 */
export async function refreshKeyVaultSecret(ctx: RequestContext, input: { secretId: string }): Promise<SecretView> {
  await authorize(ctx, "config.write");
  const { secretId } = parseInput(secretIdInputSchema, input, "secret");
  const secret = await findSecretOrThrow(getDb(), secretId);
  if (secret.kind !== "keyVault") {
    throw new AppError(
      "conflict",
      `"${secret.displayName}" holds a typed value, not a Key Vault reference: there is nothing to fetch; rotate it instead.`,
    );
  }
  const target = { type: "secret", id: secret.id };
  const before = { lastStatus: secret.lastStatus };

  let refreshed: NamedValue;
  try {
    refreshed = (
      await apimClientForInstance(secret.instance).refreshNamedValueSecret(secret.namedValueId, {
        correlationId: ctx.requestId,
      })
    ).value;
  } catch (error) {
    return failSecretChange(ctx, error, {
      action: "secret.refresh",
      target,
      before,
      after: { secretIdentifier: secret.keyVaultSecretId },
    });
  }

  const keyVault = refreshed.keyVault;
  const lastStatus = keyVault?.lastStatus ?? null;
  const saved = await recordSecretChange(
    ctx,
    { instanceId: secret.instanceId, namedValueId: secret.namedValueId },
    (tx) =>
      tx.secret.update({
        where: { id: secret.id },
        data: {
          keyVaultSecretId: keyVault?.secretIdentifier ?? secret.keyVaultSecretId,
          keyVaultIdentity: keyVault ? keyVault.identityClientId : secret.keyVaultIdentity,
          lastStatus: lastStatus ?? Prisma.DbNull,
        },
      }),
    () => ({
      action: "secret.refresh",
      target,
      before,
      after: { secretIdentifier: keyVault?.secretIdentifier ?? secret.keyVaultSecretId, lastStatus },
      outcome: lastStatus?.code === "Success" ? "success" : "failure",
    }),
  );
  return managedSecretView(saved, refreshed);
}
