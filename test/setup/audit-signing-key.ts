import { generateKeyPairSync } from "node:crypto";

/**
 * Global setup of the integration project: the Ed25519 key that signs audit checkpoints, as
 * AUDIT_SIGNING_KEY gives it to the app (sandbox mode generates one into the data directory).
 * Workers are child processes and inherit it, like NODE_EXTRA_CA_CERTS (sandbox-tls.ts).
 */
export default function setup(): void {
  process.env.AUDIT_SIGNING_KEY ??= generateKeyPairSync("ed25519")
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
}
