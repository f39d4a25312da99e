import { createServer, type Server } from "node:https";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureSandboxTls } from "./ensure-sandbox-tls";

// These requests pass no `ca` option: they succeed only if this worker process trusts the
// test CA through NODE_EXTRA_CA_CERTS, as the app process trusts the sandbox CA.
let server: Server;
let port: number;

beforeAll(async () => {
  const tls = await ensureSandboxTls(inject("sandboxTlsDir"));
  server = createServer({ key: tls.keyPem, cert: tls.certPem }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe("sandbox TLS in test workers", () => {
  it("has the test CA in NODE_EXTRA_CA_CERTS", () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toMatch(/portcullis-test-tls-.*ca\.crt$/);
  });

  it("lets fetch (undici) reach the sandbox over HTTPS by name and by IP", async () => {
    for (const host of ["localhost", "127.0.0.1"]) {
      const response = await fetch(`https://${host}:${port}/`);
      expect(await response.text()).toBe("ok");
    }
  });

  it("lets node:https (what MSAL and the Azure SDK use) reach the sandbox", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      request(`https://localhost:${port}/`, (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve(text));
      })
        .on("error", reject)
        .end();
    });
    expect(body).toBe("ok");
  });

  it("still refuses a certificate for a name it does not carry", async () => {
    // The certificate is valid for localhost and loopback IPs only, so TLS must fail on SNI
    // mismatch when asked for another host name at the same address.
    const outcome = await new Promise<string>((resolve) => {
      request({ host: "127.0.0.1", port, servername: "portcullis.example", path: "/" }, () => resolve("connected"))
        .on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"))
        .end();
    });
    expect(outcome).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });
});
