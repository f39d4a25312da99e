import { describe, expect, it } from "vitest";
import { isKeyVaultSecretUrl, isVersionedIdentifier } from "./key-vault-identifier";

describe("Key Vault secret identifiers", () => {
  it.each([
    "https://contoso.vault.azure.net/secrets/openai-key",
    "https://contoso.vault.azure.net/secrets/openai-key/",
    "https://Contoso-KV-1.vault.azure.net/secrets/openai-key/0123456789abcdef0123456789ABCDEF",
    "https://contoso.vault.azure.cn/secrets/key",
    "https://contoso.vault.usgovcloudapi.net/secrets/key",
  ])("accepts %s", (url) => expect(isKeyVaultSecretUrl(url)).toBe(true));

  it.each([
    "http://contoso.vault.azure.net/secrets/key",
    "https://contoso.vault.azure.net:8443/secrets/key",
    "https://user:pw@contoso.vault.azure.net/secrets/key",
    "https://contoso.vault.azure.net.evil.com/secrets/key",
    "https://vault.azure.net/secrets/key",
    "https://a.b.vault.azure.net/secrets/key",
    "https://contoso.vault.azure.net/keys/key",
    "https://contoso.vault.azure.net/secrets/",
    "https://contoso.vault.azure.net/secrets/key/not-a-version",
    "https://contoso.vault.azure.net/secrets/key?api-version=7.4",
    "https://contoso.vault.azure.net/secrets/key#x",
    "https://contoso.vault.azure.net/secrets/key_with_underscore",
    "not a url",
  ])("rejects %s", (url) => expect(isKeyVaultSecretUrl(url)).toBe(false));

  it("tells versioned identifiers from unversioned ones", () => {
    expect(isVersionedIdentifier("https://contoso.vault.azure.net/secrets/key/0123456789abcdef0123456789abcdef")).toBe(
      true,
    );
    expect(isVersionedIdentifier("https://contoso.vault.azure.net/secrets/key")).toBe(false);
    expect(isVersionedIdentifier("https://contoso.vault.azure.net/secrets/key/")).toBe(false);
  });
});
