/** A named value's metadata. A secret's value is never here: secret values are write-only. */
export interface NamedValue {
  /** ARM name (namedValueId). */
  name: string;
  /** What policies reference as `{{displayName}}`. */
  displayName: string;
  secret: boolean;
  /**
   * The value of a named value that is not secret (ARM returns it on a GET and in lists), so a
   * policy's `{{name}}` can be read as APIM reads it; never present for a secret or a Key Vault reference.
   */
  plainValue?: string;
  tags: string[];
  keyVault: KeyVaultReference | null;
  provisioningState: string | null;
}

export interface KeyVaultReference {
  secretIdentifier: string;
  /** Client id of the user-assigned identity APIM reads the vault with; null = system-assigned. */
  identityClientId: string | null;
  /** APIM's last attempt to fetch the secret from Key Vault. */
  lastStatus: { code: string; message: string | null; timeStampUtc: string | null } | null;
}

/** What a create or update writes: a value (secret or not) or a Key Vault reference. */
export type NamedValueInput = { displayName: string; tags?: string[] } & (
  { value: string; secret: boolean } | { keyVault: { secretIdentifier: string; identityClientId?: string } }
);

/** The SDK's flattened NamedValueContract, which raw ARM JSON also becomes once `properties` is spread. */
export interface NamedValueShape {
  name?: string;
  displayName?: string;
  secret?: boolean;
  value?: string | null;
  tags?: string[];
  keyVault?: {
    secretIdentifier?: string;
    identityClientId?: string | null;
    lastStatus?: { code?: string; message?: string | null; timeStampUtc?: Date | string | null } | null;
  } | null;
  provisioningState?: string;
}

export function toNamedValue(shape: NamedValueShape): NamedValue {
  const keyVault = shape.keyVault;
  const status = keyVault?.lastStatus;
  return {
    name: shape.name ?? "",
    displayName: shape.displayName ?? "",
    secret: shape.secret ?? false,
    // Only for a plain value: even if ARM sent a secret's value, it goes no further than here.
    ...(shape.secret === false && shape.keyVault?.secretIdentifier == null && typeof shape.value === "string"
      ? { plainValue: shape.value }
      : {}),
    tags: shape.tags ?? [],
    keyVault:
      keyVault?.secretIdentifier == null
        ? null
        : {
            secretIdentifier: keyVault.secretIdentifier,
            identityClientId: keyVault.identityClientId ?? null,
            lastStatus:
              status == null
                ? null
                : {
                    code: status.code ?? "",
                    message: status.message ?? null,
                    timeStampUtc: isoOf(status.timeStampUtc),
                  },
          },
    provisioningState: shape.provisioningState ?? null,
  };
}

/** The ARM body of a PUT. A Key Vault reference is always secret, and carries no value. */
export function namedValueBody(input: NamedValueInput): { properties: Record<string, unknown> } {
  const common = { displayName: input.displayName, tags: input.tags };
  if ("keyVault" in input) {
    const { secretIdentifier, identityClientId } = input.keyVault;
    return { properties: { ...common, secret: true, keyVault: { secretIdentifier, identityClientId } } };
  }
  return { properties: { ...common, secret: input.secret, value: input.value } };
}

/** One form whether the SDK parsed the time or ARM's JSON carried it (`…00Z` and `…00.000Z` alike). */
function isoOf(time: Date | string | null | undefined): string | null {
  if (time == null) return null;
  const date = time instanceof Date ? time : new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : date.toISOString();
}
