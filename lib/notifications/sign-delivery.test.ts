import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signatureHeaders } from "./sign-delivery";
import { webhookSecret, webhookSecretBytes } from "./webhook-secret";

const KEY = "unit-test-fingerprint-key-0123456789abcdef";

describe("webhook signatures", () => {
  it("verify with the Standard Webhooks reference library, given the secret the admin was shown", () => {
    const salt = "salt-of-one-webhook";
    const body = JSON.stringify({ specversion: "1.0", id: "e1", data: { ünï: "cödé" } });
    const now = new Date();
    const headers = signatureHeaders(webhookSecretBytes(salt, KEY), "e1", now, body);
    expect(new Webhook(webhookSecret(salt, KEY)).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("do not verify with another webhook's secret, another body or another id", () => {
    const body = '{"a":1}';
    const headers = signatureHeaders(webhookSecretBytes("one", KEY), "e1", new Date(), body);
    expect(() => new Webhook(webhookSecret("two", KEY)).verify(body, headers)).toThrow();
    expect(() => new Webhook(webhookSecret("one", KEY)).verify('{"a":2}', headers)).toThrow();
    expect(() => new Webhook(webhookSecret("one", KEY)).verify(body, { ...headers, "webhook-id": "e2" })).toThrow();
  });

  it("derives a different secret under another FINGERPRINT_KEY and the same one again under the same", () => {
    expect(webhookSecret("s", KEY)).toBe(webhookSecret("s", KEY));
    expect(webhookSecret("s", KEY)).not.toBe(webhookSecret("s", `${KEY}-other`));
    expect(webhookSecret("s", KEY)).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});
