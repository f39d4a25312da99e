import { createPrivateKey, createPublicKey, sign, type JsonWebKey, type KeyObject } from "node:crypto";
import { calculateJwkThumbprint } from "jose";
import type { CheckpointSigner } from "./checkpoint-signer";

/**
 * An Ed25519 key from the environment (AUDIT_SIGNING_KEY, PKCS#8 PEM as
 * `openssl genpkey -algorithm ed25519` writes it). Its `kid` is its JWK thumbprint (RFC 7638), so
 * a checkpoint names the key that made it without anyone choosing names.
 */
export async function ed25519Signer(pem: string): Promise<CheckpointSigner> {
  const privateKey = parseEd25519PrivateKey(pem);
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as JsonWebKey;
  const kid = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: jwk.x! });
  const publicKey = { kty: "OKP", crv: "Ed25519", x: jwk.x, kid, alg: "EdDSA", use: "sig" };
  return {
    describe: async () => ({ alg: "EdDSA", kid }),
    sign: async (data) => sign(null, data, privateKey),
    publicKeys: async () => [publicKey],
    publicKeyFor: async (other) => (other === kid ? publicKey : undefined),
  };
}

/** Throws a message naming what is wrong (never the key itself). */
export function parseEd25519PrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.replace(/\\n/g, "\n"));
  } catch {
    throw new Error("is not a PEM private key (create one with `openssl genpkey -algorithm ed25519`)");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(
      `is a ${key.asymmetricKeyType} key; it must be an Ed25519 key (\`openssl genpkey -algorithm ed25519\`)`,
    );
  }
  return key;
}
