import { X509Certificate, createPrivateKey } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { createCertificateAuthority, issueServerCertificate, type PemKeyPair } from "./certificate-authority";

export interface SandboxTls {
  /** Absolute path of the CA certificate: what NODE_EXTRA_CA_CERTS (or a browser) must trust. */
  caCertPath: string;
  caCertPem: string;
  /** The server certificate's private key and certificate, for `https.createServer`. */
  keyPem: string;
  certPem: string;
}

export interface EnsureSandboxTlsOptions {
  /** The clock; tests move it to make a CA expire. */
  now?: Date;
}

const CA_CERT_FILE = "ca.crt";
const CA_KEY_FILE = "ca.key";
const CA_VALID_DAYS = 730;
const SERVER_VALID_DAYS = 90;
/** A CA this close to its end is replaced, so a running sandbox never crosses the expiry. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The sandbox CA under `dir`, reused across restarts (it is what the app process and browsers
 * were told to trust) and regenerated when missing, unreadable, mismatched or near expiry;
 * plus a server certificate for localhost, 127.0.0.1 and ::1 signed by it. The server
 * certificate is issued afresh on every call: it lives only in memory, so it never goes stale.
 */
export async function ensureSandboxTls(dir: string, options: EnsureSandboxTlsOptions = {}): Promise<SandboxTls> {
  const now = options.now ?? new Date();
  const caCertPath = path.resolve(dir, CA_CERT_FILE);
  const ca = (await readUsableCa(dir, now)) ?? (await writeNewCa(dir, now));
  const server = await issueServerCertificate(ca, now, SERVER_VALID_DAYS);
  return { caCertPath, caCertPem: ca.certPem, keyPem: server.keyPem, certPem: server.certPem };
}

async function readUsableCa(dir: string, now: Date): Promise<PemKeyPair | null> {
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([
      readFile(path.join(dir, CA_CERT_FILE), "utf8"),
      readFile(path.join(dir, CA_KEY_FILE), "utf8"),
    ]);
  } catch {
    return null;
  }
  try {
    const cert = new X509Certificate(certPem);
    const usable =
      cert.ca &&
      Date.parse(cert.validFrom) <= now.getTime() &&
      Date.parse(cert.validTo) - RENEW_BEFORE_MS > now.getTime() &&
      cert.checkPrivateKey(createPrivateKey(keyPem));
    return usable ? { certPem, keyPem } : null;
  } catch {
    // Corrupt PEM: treat like a missing CA rather than stopping the start.
    return null;
  }
}

async function writeNewCa(dir: string, now: Date): Promise<PemKeyPair> {
  const ca = await createCertificateAuthority(now, CA_VALID_DAYS);
  await mkdir(dir, { recursive: true });
  // Key first: a crash between the two writes leaves an old certificate that no longer
  // matches the key, which readUsableCa rejects, so the next start regenerates cleanly.
  await writeAtomically(path.join(dir, CA_KEY_FILE), ca.keyPem, 0o600);
  await writeAtomically(path.join(dir, CA_CERT_FILE), ca.certPem, 0o644);
  return ca;
}

async function writeAtomically(file: string, content: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, content, { mode });
  await rename(temporary, file);
}
