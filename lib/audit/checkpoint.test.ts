import { generateKeyPairSync, sign, constants, type JsonWebKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkCheckpointSignature, checkpointSigningInput, type Checkpoint } from "./checkpoint";
import { ed25519Signer } from "./signing/ed25519-signer";

const unsigned = { seq: "42", headHash: "a".repeat(64), time: "2026-12-03T10:00:00.000Z" };

/** Signs the way Key Vault does for each algorithm family: ECDSA as r‖s, RSA PKCS#1 v1.5 or PSS. */
function signedWith(alg: Checkpoint["alg"]): { checkpoint: Checkpoint; key: JsonWebKey } {
  const pair =
    alg === "ES256"
      ? generateKeyPairSync("ec", { namedCurve: "P-256" })
      : alg === "ES384"
        ? generateKeyPairSync("ec", { namedCurve: "P-384" })
        : generateKeyPairSync("rsa", { modulusLength: 2048 });
  const kid = `https://vault.example/keys/audit/${alg.toLowerCase()}`;
  const body = { ...unsigned, alg, kid };
  const hash = `sha${alg.slice(2)}`;
  const signature = sign(
    hash,
    checkpointSigningInput(body),
    alg.startsWith("ES")
      ? { key: pair.privateKey, dsaEncoding: "ieee-p1363" }
      : alg.startsWith("PS")
        ? {
            key: pair.privateKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
          }
        : pair.privateKey,
  );
  return {
    checkpoint: { ...body, signature: signature.toString("base64url") },
    key: { ...(pair.publicKey.export({ format: "jwk" }) as JsonWebKey), kid, alg },
  };
}

describe("checkpoint signatures", () => {
  it("verify an Ed25519 checkpoint with the signer's public key, named by its JWK thumbprint", async () => {
    const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const signer = await ed25519Signer(pem);
    const key = await signer.describe();
    expect(key).toEqual({ alg: "EdDSA", kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const body = { ...unsigned, ...key };
    const checkpoint = {
      ...body,
      signature: (await signer.sign(checkpointSigningInput(body), key)).toString("base64url"),
    };
    const keys = await signer.publicKeys();

    expect(keys).toEqual([expect.objectContaining({ kty: "OKP", crv: "Ed25519", kid: key.kid, alg: "EdDSA" })]);
    expect(keys[0]).not.toHaveProperty("d");
    expect(checkCheckpointSignature(checkpoint, keys)).toBe("valid");
    expect(await signer.publicKeyFor(key.kid)).toEqual(keys[0]);
  });

  it.each(["ES256", "ES384", "RS256", "PS256"] as const)("verify %s checkpoints (Key Vault's algorithms)", (alg) => {
    const { checkpoint, key } = signedWith(alg);
    expect(checkCheckpointSignature(checkpoint, [key])).toBe("valid");
  });

  it("refuse a checkpoint whose sequence, hash, time, algorithm or key id changed after signing", () => {
    const { checkpoint, key } = signedWith("ES256");
    for (const changed of [
      { seq: "43" },
      { headHash: "b".repeat(64) },
      { time: "2026-12-03T10:00:00.001Z" },
      { signature: Buffer.alloc(64).toString("base64url") },
    ])
      expect(checkCheckpointSignature({ ...checkpoint, ...changed }, [key])).toBe("invalid");
    expect(checkCheckpointSignature({ ...checkpoint, alg: "ES384" }, [key])).toBe("unknown key");
    expect(checkCheckpointSignature({ ...checkpoint, kid: "another" }, [key])).toBe("unknown key");
  });

  it("never take a key of another type for the algorithm a checkpoint names", () => {
    const { checkpoint } = signedWith("RS256");
    const ec = signedWith("ES256").key;
    expect(checkCheckpointSignature({ ...checkpoint }, [{ ...ec, kid: checkpoint.kid }])).toBe("unknown key");
  });
});
