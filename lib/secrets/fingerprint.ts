import { createHmac } from "node:crypto";
import { getConfig } from "../env";
import { AppError } from "../errors";

/**
 * What Portcullis keeps of a typed secret value: `hmac-sha256:` and the first 32 hex digits
 * (128 bits) of HMAC-SHA256(FINGERPRINT_KEY, UTF-8 value). It tells values apart (a rotation
 * shows a new fingerprint; the same value gives the same one on every app instance, which
 * share the key) yet reveals nothing without the key, not even for short or guessable
 * values. 128 bits make an accidental match impossible in practice and stay readable.
 */
export function fingerprintWithKey(key: string, value: string): string {
  return `hmac-sha256:${createHmac("sha256", key).update(value, "utf8").digest("hex").slice(0, 32)}`;
}

/** The fingerprint under this deployment's FINGERPRINT_KEY. */
export function fingerprintOf(value: string): string {
  const key = getConfig().fingerprintKey;
  // Checked before anything is sent to APIM, so a misconfiguration never leaves an unrecorded secret.
  if (key === undefined)
    throw new AppError(
      "config",
      "FINGERPRINT_KEY is not set, so secret values cannot be fingerprinted; no secret was changed.",
    );
  return fingerprintWithKey(key, value);
}
