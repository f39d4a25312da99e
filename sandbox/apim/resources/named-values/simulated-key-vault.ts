import { createHash } from "node:crypto";

/**
 * Stands in for the Key Vaults that named values reference. By default every secret
 * identifier resolves to a stable made-up value, so Key Vault named values just work;
 * `POST /_sandbox/keyvault` sets a secret's value (a rotation) or makes fetching it fail,
 * which is what `refreshSecret` and `lastStatus` then report. Kept in memory only.
 */
export type KeyVaultSecret = { value: string } | { failure: { code: string; message: string } };

export class SimulatedKeyVault {
  private readonly secrets = new Map<string, KeyVaultSecret>();

  fetch(secretIdentifier: string): KeyVaultSecret {
    return (
      this.secrets.get(keyOf(secretIdentifier)) ?? {
        value: `sandbox-kv-${createHash("sha256").update(keyOf(secretIdentifier)).digest("hex").slice(0, 24)}`,
      }
    );
  }

  set(secretIdentifier: string, secret: KeyVaultSecret): void {
    this.secrets.set(keyOf(secretIdentifier), secret);
  }

  clear(): void {
    this.secrets.clear();
  }
}

/** Vault URLs compare case-insensitively and with or without a trailing slash. */
function keyOf(secretIdentifier: string): string {
  return secretIdentifier.toLowerCase().replace(/\/+$/, "");
}
