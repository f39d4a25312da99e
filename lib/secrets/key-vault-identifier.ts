/**
 * Key Vault secret identifiers as APIM accepts them: `https://<vault>.<suffix>/secrets/<name>`
 * with an optional `/<version>`. The suffixes are Key Vault's DNS zones in the public, China
 * and US Government clouds. Vault names are 3–24 letters, digits and dashes; secret names 1–127
 * letters, digits and dashes; versions 32 hex digits (Key Vault's naming rules).
 */
const VAULT_SUFFIXES = [".vault.azure.net", ".vault.azure.cn", ".vault.usgovcloudapi.net"];
const VAULT_NAME = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
const SECRET_PATH = /^\/secrets\/[0-9A-Za-z-]{1,127}(?:\/([0-9a-fA-F]{32}))?\/?$/;

export function isKeyVaultSecretUrl(text: string): boolean {
  const url = parse(text);
  if (!url || url.protocol !== "https:" || url.port || url.username || url.password || url.search || url.hash)
    return false;
  const suffix = VAULT_SUFFIXES.find((s) => url.hostname.endsWith(s));
  return (
    suffix !== undefined && VAULT_NAME.test(url.hostname.slice(0, -suffix.length)) && SECRET_PATH.test(url.pathname)
  );
}

/** A versioned identifier pins one version: APIM keeps using it after a rotation in Key Vault. */
export function isVersionedIdentifier(text: string): boolean {
  const url = parse(text);
  return url !== null && SECRET_PATH.exec(url.pathname)?.[1] !== undefined;
}

function parse(text: string): URL | null {
  return URL.canParse(text) ? new URL(text) : null;
}
