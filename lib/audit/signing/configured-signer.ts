import { getConfig, type AuditSettings } from "../../env";
import { AppError } from "../../errors";
import type { CheckpointSigner } from "./checkpoint-signer";
import { ed25519Signer } from "./ed25519-signer";
import { keyVaultSigner } from "../../apim/key-vault-signer";

/** One signer per process, made from the configuration on first use (tests may install their own). */
const holder = globalThis as typeof globalThis & { __portcullisCheckpointSigner?: Promise<CheckpointSigner> };

export function getCheckpointSigner(): Promise<CheckpointSigner> {
  holder.__portcullisCheckpointSigner ??= signerFor(getConfig().audit).catch((error: unknown) => {
    holder.__portcullisCheckpointSigner = undefined;
    throw error;
  });
  return holder.__portcullisCheckpointSigner;
}

/** Replaces the process's signer (tests); undefined goes back to the configured one. */
export function setCheckpointSigner(signer: CheckpointSigner | undefined): void {
  holder.__portcullisCheckpointSigner = signer && Promise.resolve(signer);
}

async function signerFor(audit: AuditSettings): Promise<CheckpointSigner> {
  if (audit.keyVaultKeyId) return keyVaultSigner(audit.keyVaultKeyId);
  if (audit.signingKey) return ed25519Signer(audit.signingKey);
  throw new AppError(
    "unavailable",
    "No key signs audit checkpoints: set AUDIT_SIGNING_KEY (Ed25519) or AUDIT_KEY_VAULT_KEY_ID.",
  );
}
