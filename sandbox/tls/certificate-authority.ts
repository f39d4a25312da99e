// @peculiar/x509 resolves its internals through tsyringe, which needs the Reflect metadata
// API; the polyfill must load before the library does.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

/** A certificate and its private key, both PEM. */
export interface PemKeyPair {
  certPem: string;
  keyPem: string;
}

// ECDSA P-256: every TLS stack we meet (Node, Chromium) accepts it, and WebCrypto makes the
// keys natively in a millisecond, so a fresh server certificate at every start costs nothing.
const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Hosts the sandbox serves on; the server certificate names each of them. */
const SANDBOX_HOSTS = ["localhost", "127.0.0.1", "::1"] as const;

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

function importPrivateKey(keyPem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(keyPem)[0];
  if (!der) throw new Error("the CA key file holds no PEM block");
  return webcrypto.subtle.importKey("pkcs8", der, KEY_ALGORITHM, false, ["sign"]);
}

/** Backdated a little so that a clock that lags by a minute still accepts a fresh certificate. */
function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - 5 * 60 * 1000), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

/** A self-signed root that may only sign end-entity certificates (path length 0). */
export async function createCertificateAuthority(now: Date, validDays: number): Promise<PemKeyPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=Portcullis Sandbox CA ${now.toISOString().slice(0, 10)}, O=Portcullis sandbox (local only)`,
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(now, validDays),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

/** A TLS server certificate for the sandbox hosts, signed by the CA. */
export async function issueServerCertificate(ca: PemKeyPair, now: Date, validDays: number): Promise<PemKeyPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: "CN=localhost, O=Portcullis sandbox (local only)",
    issuer: caCert.subject,
    publicKey: keys.publicKey,
    signingKey: await importPrivateKey(ca.keyPem),
    signingAlgorithm: SIGNING_ALGORITHM,
    ...validity(now, validDays),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        SANDBOX_HOSTS.map((host) => ({ type: host === "localhost" ? ("dns" as const) : ("ip" as const), value: host })),
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}
