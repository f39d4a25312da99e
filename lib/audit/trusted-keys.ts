import type { JsonWebKey } from "node:crypto";
import { getConfig } from "../env";
import { log } from "../log";
import { checkCheckpointSignature, type Checkpoint } from "./checkpoint";
import type { CheckedCheckpoint } from "./chain-verifier";
import { getCheckpointSigner } from "./signing/configured-signer";

/**
 * The public keys checkpoints are checked with: the signing key's (served at
 * GET /api/v1/audit/signing-key) and those of earlier keys (AUDIT_TRUSTED_PUBLIC_KEYS). Never a
 * key from the database: whoever can write there could add their own.
 */
export async function trustedPublicKeys(): Promise<JsonWebKey[]> {
  const configured = getConfig().audit.trustedPublicKeys;
  try {
    return [...(await (await getCheckpointSigner()).publicKeys()), ...configured];
  } catch (error) {
    log.warn(
      { err: error },
      "the audit signing key is not available; checking checkpoints with AUDIT_TRUSTED_PUBLIC_KEYS only",
    );
    return configured;
  }
}

/** Checks each checkpoint's signature, fetching older versions of a Key Vault key as needed. */
export async function checkSignatures(checkpoints: readonly Checkpoint[]): Promise<CheckedCheckpoint[]> {
  const keys = await trustedPublicKeys();
  const missing = [...new Set(checkpoints.map((c) => c.kid))].filter((kid) => !keys.some((k) => k.kid === kid));
  if (missing.length > 0) {
    const signer = await getCheckpointSigner().catch(() => undefined);
    for (const kid of missing) {
      const key = await signer?.publicKeyFor(kid).catch(() => undefined);
      if (key) keys.push(key);
    }
  }
  return checkpoints.map((checkpoint) => ({
    ...checkpoint,
    signatureCheck: checkCheckpointSignature(checkpoint, keys),
  }));
}
