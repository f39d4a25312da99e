import type { JsonWebKey } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { CryptographyClient, KeyClient, parseKeyVaultKeyIdentifier, type KeyVaultKey } from "@azure/keyvault-keys";
import type { CheckpointAlgorithm } from "../audit/checkpoint";
import type { CheckpointSigner } from "../audit/signing/checkpoint-signer";
import { getConfig } from "../env";
import { azureCredential } from "./client-for-instance";

/** How long the current version of an unversioned key id is trusted before asking again (rotation). */
const CURRENT_VERSION_SECONDS = 300;

/**
 * A Key Vault key (AUDIT_KEY_VAULT_KEY_ID) signs: Portcullis sends the SHA-2 digest, the vault
 * signs with a private key that never leaves it (`keys/sign`). Key Vault has no Ed25519, so the
 * algorithm follows the key: ES256/ES384/ES512 for EC P-256/P-384/P-521 keys, RS256 for RSA keys;
 * the checkpoint records it, and the versioned key id as `kid`. Older versions of the same key
 * keep verifying (their public keys are fetched by version). The credential is the app's own,
 * the one that reaches ARM; it needs the keys/get and keys/sign permissions (the "Key Vault
 * Crypto User" role). Here because lib/apim is where Portcullis talks to Azure.
 */
export function keyVaultSigner(keyId: string, credential?: TokenCredential): CheckpointSigner {
  const { vaultUrl, name, version } = parseKeyVaultKeyIdentifier(keyId);
  const sandbox = getConfig().sandbox;
  const options = {
    // The sandbox's vault is not on *.vault.azure.net, so the challenge's resource cannot match it.
    disableChallengeResourceVerification: sandbox,
  };
  const cred = credential ?? azureCredential();
  const keys = new KeyClient(vaultUrl, cred, options);
  const byVersion = new Map<string, Promise<KeyVaultKey>>();
  let current: { key: Promise<KeyVaultKey>; until: number } | undefined;

  const keyVersion = (v: string) => {
    let key = byVersion.get(v);
    if (!key) {
      key = keys.getKey(name, { version: v });
      key.catch(() => byVersion.delete(v));
      byVersion.set(v, key);
    }
    return key;
  };
  const currentKey = () => {
    if (version) return keyVersion(version);
    if (!current || current.until < Date.now()) {
      const key = keys.getKey(name);
      key.catch(() => (current = undefined));
      current = { key, until: Date.now() + CURRENT_VERSION_SECONDS * 1000 };
    }
    return current.key;
  };

  return {
    async describe() {
      const key = await currentKey();
      return { alg: algorithmOf(key), kid: key.id! };
    },
    async sign(data, { alg, kid }) {
      const client = new CryptographyClient(kid, cred, options);
      const { result } = await client.signData(alg, data);
      return Buffer.from(result);
    },
    async publicKeys() {
      return [publicJwk(await currentKey())];
    },
    async publicKeyFor(kid) {
      const parsed = safeParse(kid);
      if (!parsed || parsed.vaultUrl !== vaultUrl || parsed.name !== name || !parsed.version) return undefined;
      return publicJwk(await keyVersion(parsed.version));
    },
  };
}

function safeParse(kid: string) {
  try {
    return parseKeyVaultKeyIdentifier(kid);
  } catch {
    return undefined;
  }
}

function algorithmOf(key: KeyVaultKey): CheckpointAlgorithm {
  const kty = key.keyType?.replace(/-HSM$/, "");
  if (kty === "RSA") return "RS256";
  const alg = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[key.key?.crv ?? ""];
  if (kty === "EC" && alg) return alg as CheckpointAlgorithm;
  throw new Error(
    `Key Vault key ${key.id} (${key.keyType} ${key.key?.crv ?? ""}) cannot sign audit checkpoints: use an EC P-256/P-384/P-521 or RSA key`,
  );
}

/** The public half as a standard JWK (Key Vault says EC-HSM / RSA-HSM and gives bytes). */
function publicJwk(key: KeyVaultKey): JsonWebKey {
  const k = key.key!;
  const b64 = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString("base64url") : undefined);
  const common = { kid: key.id!, alg: algorithmOf(key), use: "sig" };
  return key.keyType?.startsWith("RSA")
    ? { kty: "RSA", n: b64(k.n), e: b64(k.e), ...common }
    : { kty: "EC", crv: k.crv, x: b64(k.x), y: b64(k.y), ...common };
}
