import { z } from "zod";
import { fieldError } from "../../arm/apim-errors";
import { nameViolation, namedValueDisplayNameRule } from "../../arm/names";

/**
 * NamedValueCreateContract / NamedValueUpdateParameters (01-arm-rest-reference.md §2 and the
 * SDK v10 mappers). Read-only fields a client may echo back (`keyVault.lastStatus`) are
 * ignored. Messages are ours: APIM's wording for these was not recorded.
 */
const keyVaultSchema = z
  .object({
    secretIdentifier: z
      .string()
      .refine(
        (url) => /^https:\/\/[^/]+\/secrets\/[^/]+(\/[^/]*)?\/?$/i.test(url),
        "secretIdentifier must be a Key Vault secret URL, e.g. https://contoso.vault.azure.net/secrets/name.",
      ),
    identityClientId: z.string().nullish(),
  })
  .loose();

const propertiesSchema = z
  .object({
    displayName: z.string().optional(),
    value: z.string().max(4096, "Value must be at most 4096 characters long.").optional(),
    secret: z.boolean().optional(),
    tags: z.array(z.string()).max(32, "A named value may have at most 32 tags.").nullish(),
    keyVault: keyVaultSchema.nullish(),
  })
  .loose();

export const namedValueBodySchema = z.object({ properties: propertiesSchema });
export type NamedValueProperties = z.infer<typeof propertiesSchema>;

/** What a named value holds after a PUT or a merged PATCH. */
export interface NamedValueContent {
  displayName: string;
  secret: boolean;
  tags: string[];
  value?: string;
  keyVault?: { secretIdentifier: string; identityClientId?: string };
}

/** Checks the rules that span fields: a display name, and a value or a Key Vault secret. */
export function checkNamedValueContent(properties: NamedValueProperties): NamedValueContent {
  const { displayName, value, keyVault } = properties;
  if (displayName === undefined) throw fieldError("displayName", "Display name is required.");
  const violation = nameViolation(displayName, namedValueDisplayNameRule);
  if (violation !== undefined) throw fieldError("displayName", violation);
  const content: NamedValueContent = { displayName, secret: properties.secret ?? false, tags: properties.tags ?? [] };
  if (keyVault) {
    if (value !== undefined)
      throw fieldError("value", "A named value takes either a value or a Key Vault secret, not both.");
    const { secretIdentifier, identityClientId } = keyVault;
    return { ...content, keyVault: identityClientId ? { secretIdentifier, identityClientId } : { secretIdentifier } };
  }
  if (value === undefined || value.trim() === "")
    throw fieldError("value", "Value may not be empty or consist only of whitespace.");
  return { ...content, value };
}
