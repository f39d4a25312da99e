import { createHmac, randomBytes } from "node:crypto";
import { getConfig } from "../env";
import { AppError } from "../errors";

/**
 * A webhook's signing secret is never stored (docs/decisions/0007): the database keeps a random
 * salt, and the secret is HMAC-SHA256(FINGERPRINT_KEY, label + salt), recomputed whenever a
 * delivery is signed. Whoever reads the database alone cannot sign as Portcullis; the admin sees
 * the secret once, when the webhook is registered.
 */
const LABEL = "portcullis webhook signing secret v1\n";

export function newSecretSalt(): string {
  return randomBytes(32).toString("base64url");
}

/** The 32 secret bytes the HMAC of a signature is keyed with. */
export function webhookSecretBytes(salt: string, key = fingerprintKey()): Buffer {
  return createHmac("sha256", key)
    .update(LABEL + salt, "utf8")
    .digest();
}

/** The secret as Standard Webhooks writes it, `whsec_` + base64: what the receiver configures. */
export function webhookSecret(salt: string, key = fingerprintKey()): string {
  return `whsec_${webhookSecretBytes(salt, key).toString("base64")}`;
}

function fingerprintKey(): string {
  const key = getConfig().fingerprintKey;
  if (key === undefined)
    throw new AppError("config", "FINGERPRINT_KEY is not set, so webhook signing secrets cannot be derived.");
  return key;
}
