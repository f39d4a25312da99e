/**
 * Sets what the simulator's Key Vault answers for a secret identifier: a value (a rotation in
 * Key Vault) or a failure APIM then reports in `lastStatus` (sandbox/apim/README.md).
 */
export async function setKeyVaultSecret(
  armEndpoint: string,
  secret: { secretIdentifier: string } & ({ value: string } | { failure: { code: string; message: string } }),
): Promise<void> {
  const response = await fetch(`${armEndpoint}/_sandbox/keyvault`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(secret),
  });
  if (!response.ok) throw new Error(`sandbox Key Vault control: ${response.status} ${await response.text()}`);
}
