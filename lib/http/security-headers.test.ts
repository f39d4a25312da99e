import { describe, expect, it } from "vitest";
import { newNonce, pagePolicy, securityHeaders } from "./security-headers";

const http = { appUrl: "http://localhost:3000", identityProvider: "https://localhost:3001" };
const https = { appUrl: "https://portcullis.example.com", identityProvider: "https://login.microsoftonline.com" };

describe("security headers", () => {
  it("send Strict-Transport-Security and upgrade requests only when APP_URL is https", () => {
    expect(securityHeaders("x", https)["strict-transport-security"]).toBe("max-age=31536000; includeSubDomains");
    expect(pagePolicy("n", https)).toContain("upgrade-insecure-requests");
    expect(securityHeaders("x", http)).not.toHaveProperty("strict-transport-security");
    expect(pagePolicy("n", http)).not.toContain("upgrade-insecure-requests");
  });

  it("let pages post forms only here and to the identity provider", () => {
    expect(pagePolicy("n", https)).toContain("form-action 'self' https://login.microsoftonline.com;");
    expect(pagePolicy("n", { ...https, identityProvider: undefined })).toContain("form-action 'self';");
  });

  it("use a new unguessable nonce each time", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
