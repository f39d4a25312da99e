import type { JsonWebKey } from "node:crypto";
import type { CheckpointAlgorithm } from "../checkpoint";

/** Signs checkpoints with a key Portcullis does not keep in its database. */
export interface CheckpointSigner {
  /** What the next signature will be made with (a Key Vault key resolves its current version). */
  describe(): Promise<{ alg: CheckpointAlgorithm; kid: string }>;
  sign(data: Buffer, key: { alg: CheckpointAlgorithm; kid: string }): Promise<Buffer>;
  /** The public key(s) that verify this signer's checkpoints, as JWKs with `kid` and `alg`. */
  publicKeys(): Promise<JsonWebKey[]>;
  /** The public key of a `kid` this signer made earlier (an older Key Vault key version), if it is one of its. */
  publicKeyFor(kid: string): Promise<JsonWebKey | undefined>;
}
