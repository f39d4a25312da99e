import { createPublicKey, verify, constants, type JsonWebKey } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * A signed checkpoint: the chain's head (sequence and hash) at a time, signed with a key the
 * database never holds. Pure: the app, the export and the CLI's offline verification share it.
 */
export interface Checkpoint {
  seq: string;
  headHash: string;
  time: string;
  /** JWS algorithm name: EdDSA (Ed25519 from AUDIT_SIGNING_KEY) or what the Key Vault key does (ES256, RS256, …). */
  alg: string;
  /** The signing key: the JWK thumbprint (RFC 7638) of an Ed25519 key, or the Key Vault key identifier with its version. */
  kid: string;
  /** base64url. ECDSA signatures are r‖s (as Key Vault and JWS produce them). */
  signature: string;
}

export const CHECKPOINT_ALGORITHMS = [
  "EdDSA",
  "ES256",
  "ES384",
  "ES512",
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
] as const;
export type CheckpointAlgorithm = (typeof CHECKPOINT_ALGORITHMS)[number];

/**
 * The exact bytes that are signed: the RFC 8785 canonical JSON of the checkpoint without its
 * signature, tagged with what it is, so a signature can never be taken for another purpose and
 * the algorithm and key cannot be swapped after signing.
 */
export function checkpointSigningInput(checkpoint: Omit<Checkpoint, "signature">): Buffer {
  const text = canonicalize({
    type: "portcullis.audit.checkpoint",
    v: 1,
    seq: checkpoint.seq,
    headHash: checkpoint.headHash,
    time: checkpoint.time,
    alg: checkpoint.alg,
    kid: checkpoint.kid,
  });
  return Buffer.from(text!, "utf8");
}

export type SignatureCheck = "valid" | "invalid" | "unknown key";

/** Checks a checkpoint's signature with the public key (JWK) whose `kid` it names. */
export function checkCheckpointSignature(checkpoint: Checkpoint, keys: readonly JsonWebKey[]): SignatureCheck {
  const jwk = keys.find((key) => key.kid === checkpoint.kid);
  if (!jwk || !isAlgorithm(checkpoint.alg) || !keyFits(jwk, checkpoint.alg)) return "unknown key";
  try {
    const key = createPublicKey({ key: jwk, format: "jwk" });
    const data = checkpointSigningInput(checkpoint);
    const signature = Buffer.from(checkpoint.signature, "base64url");
    const hash = checkpoint.alg === "EdDSA" ? null : `sha${checkpoint.alg.slice(2)}`;
    const options = checkpoint.alg.startsWith("ES")
      ? { key, dsaEncoding: "ieee-p1363" as const }
      : checkpoint.alg.startsWith("PS")
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : key;
    return verify(hash, data, options, signature) ? "valid" : "invalid";
  } catch {
    return "invalid";
  }
}

function isAlgorithm(alg: string): alg is CheckpointAlgorithm {
  return (CHECKPOINT_ALGORITHMS as readonly string[]).includes(alg);
}

/** A key only checks the algorithms of its type (no RSA key for ES256, no EC key for EdDSA). */
function keyFits(jwk: JsonWebKey, alg: CheckpointAlgorithm): boolean {
  if (alg === "EdDSA") return jwk.kty === "OKP" && jwk.crv === "Ed25519";
  if (alg.startsWith("ES"))
    return jwk.kty === "EC" && jwk.crv === { ES256: "P-256", ES384: "P-384", ES512: "P-521" }[alg as "ES256"];
  return jwk.kty === "RSA";
}
