import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { createManagedSecret } from "./create-managed-secret";
import { createKeyVaultSecretInputSchema, type SecretView } from "./schemas";

/**
 * Creates a named value that refers to a Key Vault secret (recommended over typed values: the
 * secret stays in Key Vault and rotates there). APIM reads the secret with its managed
 * identity, or the user-assigned one named by `identityClientId`, and reports how that went
 * in `keyVault.lastStatus`. A versioned identifier works but carries a warning.
 */
export async function createKeyVaultSecret(
  ctx: RequestContext,
  input: { instanceId: string; name: string; secretIdentifier: string; identityClientId?: string },
): Promise<SecretView> {
  await authorize(ctx, "config.write");
  const { instanceId, name, secretIdentifier, identityClientId } = parseInput(
    createKeyVaultSecretInputSchema,
    input,
    "Key Vault secret",
  );
  return createManagedSecret(ctx, {
    instanceId,
    name,
    namedValue: { displayName: name, keyVault: { secretIdentifier, identityClientId } },
    kind: "keyVault",
    fingerprint: null,
  });
}
