import { z } from "zod";
import { pageOf } from "../rest/pagination";
import { allowLineBreaks } from "../validation";
import { isKeyVaultSecretUrl } from "./key-vault-identifier";

/*
 * Every message states the rule and never the input, so no error body can carry a value.
 */

/** APIM's displayName rule (04-limits-and-naming.md); policies reference the secret as `{{name}}`. */
export const secretNameSchema = z
  .string({ error: "must be a string" })
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  // `*`, not `+`: emptiness is min's to report, once.
  .regex(/^[A-Za-z0-9-._]*$/, "may contain only letters, digits, '.', '-' and '_' (policies reference it as {{name}})")
  // `.` and `..` are path segments a URL collapses: the named value's ARM URL would name the
  // service itself, or the collection.
  .refine((name) => !/^\.+$/.test(name), "must not consist only of dots")
  .describe("The named value's name in APIM; policies reference it as {{name}}.");

const TOO_LONG = "must be at most 4096 characters (UTF-16 code units, as APIM counts them)";

/**
 * APIM's value rule: 1–4096 characters, not only whitespace; each rule reports once. APIM
 * (.NET) counts UTF-16 code units while zod's max counts code points, which would let an
 * emoji-rich value through that APIM refuses: max stays for the published schema and the
 * refinement catches what it lets through. (No `abort`: it would hide the field's message
 * behind the body union's generic one.)
 */
export const secretValueSchema = allowLineBreaks(z.string({ error: "must be a string" }))
  .min(1, "must not be empty")
  .max(4096, TOO_LONG)
  .refine((value) => value.length <= 4096 || [...value].length > 4096, TOO_LONG)
  .refine((value) => value === "" || value.trim() !== "", "must not consist only of whitespace")
  .describe(
    "The secret value (line breaks and tabs allowed, e.g. a PEM certificate). Write-only: sent to APIM, never stored or returned.",
  );

export const keyVaultReferenceSchema = z.strictObject({
  secretIdentifier: z
    .string({ error: "must be a string" })
    .max(2048, "must be at most 2048 characters")
    .refine(
      isKeyVaultSecretUrl,
      "must be a Key Vault secret URL: https://<vault>.vault.azure.net/secrets/<name>, optionally followed by /<version>",
    )
    .describe("Key Vault secret identifier; unversioned (recommended) so APIM follows rotations in Key Vault."),
  identityClientId: z
    .guid("must be the client id (a GUID) of a user-assigned managed identity")
    .optional()
    .describe(
      "Client id of the user-assigned identity APIM reads the vault with; omit for the system-assigned identity.",
    ),
});

// Use-case inputs: ids are checked by the lookups (unknown → 404), everything else here.
export const createSecretInputSchema = z.strictObject({
  instanceId: z.string(),
  name: secretNameSchema,
  value: secretValueSchema,
});
export const createKeyVaultSecretInputSchema = keyVaultReferenceSchema.extend({
  instanceId: z.string(),
  name: secretNameSchema,
});
export const secretIdInputSchema = z.strictObject({ secretId: z.string() });
export const listSecretsInputSchema = z.strictObject({
  instanceId: z.string(),
  cursor: z.string().max(512).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

/** POST /instances/{id}/secrets: a typed value or a Key Vault reference. */
export const createSecretBodySchema = z.union(
  [
    z.strictObject({ name: secretNameSchema, value: secretValueSchema }),
    z.strictObject({ name: secretNameSchema, keyVault: keyVaultReferenceSchema }),
  ],
  { error: "must have a name and either value (a typed secret) or keyVault (a Key Vault reference), not both" },
);

export const lastStatusSchema = z.object({
  code: z.string().describe("Success, or the Key Vault error APIM met."),
  message: z.string().nullable(),
  timeStampUtc: z.string().nullable(),
});
export type KeyVaultStatus = z.output<typeof lastStatusSchema>;

/** What Portcullis shows of a secret. There is deliberately no field that could hold a value. */
export const secretSchema = z
  .object({
    id: z.string().nullable().describe("Portcullis id; null for a secret named value not created through Portcullis."),
    instanceId: z.string(),
    name: z.string().describe("Display name in APIM, referenced by policies as {{name}}."),
    namedValueId: z.string().describe("The named value's ARM name."),
    origin: z
      .enum(["portcullis", "external"])
      .describe("external: created outside Portcullis; its value is unknown to us."),
    kind: z.enum(["value", "keyVault"]),
    fingerprint: z
      .string()
      .nullable()
      .describe("hmac-sha256:<32 hex digits> of a typed value; null for Key Vault references and external values."),
    keyVault: z
      .object({
        secretIdentifier: z.string(),
        identityClientId: z.string().nullable().describe("null: APIM's system-assigned identity."),
        lastStatus: lastStatusSchema.nullable().describe("APIM's last fetch of the secret from Key Vault."),
      })
      .nullable(),
    inApim: z.boolean().describe("False when the named value was deleted from APIM outside Portcullis."),
    createdAt: z.string().nullable(),
    createdBy: z.string().nullable(),
    rotatedAt: z.string().nullable(),
    rotation: z
      .object({
        ageDays: z.number().int().describe("Whole days since the value was set (created or last rotated)."),
        intervalDays: z.number().int().nullable().describe("Rotation policy: rotate every N days; null: none."),
        dueAt: z.string().nullable(),
        due: z.boolean().describe("The policy's interval has passed: rotate the key."),
      })
      .nullable()
      .describe("Key age and rotation policy of a typed value managed by Portcullis; null otherwise."),
    warnings: z.array(z.string()).describe("Things an administrator should act on."),
  })
  .meta({ id: "Secret" });

export type SecretView = z.output<typeof secretSchema>;

export const secretPageSchema = pageOf(secretSchema, "SecretPage");
export type SecretPage = z.output<typeof secretPageSchema>;
