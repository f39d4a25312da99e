import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureSandboxTls } from "./ensure-sandbox-tls";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "portcullis-tls-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("ensureSandboxTls", () => {
  it("issues a server certificate for localhost, 127.0.0.1 and ::1 that the CA signed", async () => {
    const tls = await ensureSandboxTls(dir);
    const ca = new X509Certificate(tls.caCertPem);
    const server = new X509Certificate(tls.certPem);

    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBe("::1");
    expect(server.checkHost("example.com")).toBeUndefined();
    expect(server.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth
  });

  it("keeps the CA across restarts and its key private to the owner", async () => {
    const first = await ensureSandboxTls(dir);
    const second = await ensureSandboxTls(dir);

    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.caCertPath).toBe(path.join(dir, "ca.crt"));
    expect(second.certPem).not.toBe(first.certPem);
    expect((await stat(path.join(dir, "ca.key"))).mode & 0o777).toBe(0o600);
  });

  it("regenerates a CA whose file is missing", async () => {
    const first = await ensureSandboxTls(dir);
    await rm(path.join(dir, "ca.key"));

    const second = await ensureSandboxTls(dir);

    expect(second.caCertPem).not.toBe(first.caCertPem);
    expect(new X509Certificate(second.certPem).checkIssued(new X509Certificate(second.caCertPem))).toBe(true);
  });

  it("regenerates a CA that has expired or is about to", async () => {
    const longAgo = new Date(Date.now() - 729 * 24 * 60 * 60 * 1000);
    const old = await ensureSandboxTls(dir, { now: longAgo });

    const renewed = await ensureSandboxTls(dir);

    expect(renewed.caCertPem).not.toBe(old.caCertPem);
    expect(Date.parse(new X509Certificate(renewed.caCertPem).validTo)).toBeGreaterThan(
      Date.now() + 365 * 24 * 60 * 60 * 1000,
    );
  });

  it("regenerates a CA whose certificate no longer matches its key", async () => {
    const first = await ensureSandboxTls(dir);
    const other = await mkdtemp(path.join(tmpdir(), "portcullis-tls-other-"));
    try {
      const stranger = await ensureSandboxTls(other);
      await writeFile(path.join(dir, "ca.crt"), stranger.caCertPem);

      const repaired = await ensureSandboxTls(dir);

      expect([first.caCertPem, stranger.caCertPem]).not.toContain(repaired.caCertPem);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
