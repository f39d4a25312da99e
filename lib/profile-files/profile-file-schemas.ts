/**
 * The files `portcullis export` writes and `portcullis plan --dir` reads: one per API (its
 * access profile as written, with `${name}` variables, and the Key Vault secret its named value
 * refers to) and one per environment (the values of those variables). Names and identifiers only:
 * a profile holds named value names, never values, and a variable's value that looks like a key
 * is refused.
 */
import { z } from "zod";
import { environmentSchema } from "../instances/schemas";
import { writtenProfileSchema } from "../policy/profile-schema";
import {
  VARIABLE_NAME,
  VARIABLE_NAME_RULE,
  orVariables,
  profileVariableNames,
  variableValuesSchema,
} from "../policy/profile-variables";
import { keyVaultReferenceSchema } from "../secrets/schemas";

export const API_FILE_KIND = "AccessProfile";
export const ENVIRONMENT_FILE_KIND = "EnvironmentVariables";

/**
 * The Key Vault secret the profile's named value (`profile.backendAuth.namedValue`) refers to, as
 * APIM's named value holds it: identifiers only, which may be `${name}` variables too.
 */
const namedValueKeyVaultSchema = z
  .strictObject({
    secretIdentifier: orVariables(keyVaultReferenceSchema.shape.secretIdentifier),
    identityClientId: orVariables(keyVaultReferenceSchema.shape.identityClientId.unwrap()).optional(),
  })
  .describe("The Key Vault secret the profile's named value refers to; written by export, checked by plan.");

export const apiProfileFileSchema = z
  .strictObject({
    kind: z.literal(API_FILE_KIND),
    api: z
      .string()
      .min(1, "must not be empty")
      .max(256, "must be at most 256 characters")
      .regex(/^[A-Za-z0-9][A-Za-z0-9._~-]*$/, "must be the API's ARM name (letters, digits, '.', '_', '~', '-')"),
    instance: z.string().min(1, "must not be empty").optional(),
    adopt: z.boolean().default(false),
    variables: z
      .array(z.string().regex(VARIABLE_NAME, VARIABLE_NAME_RULE))
      .default([])
      .describe("The variables the profile and keyVault use, for readers of the file; checked against them."),
    profile: writtenProfileSchema,
    keyVault: namedValueKeyVaultSchema.optional(),
  })
  .superRefine((file, ctx) => {
    if (file.keyVault && file.profile.backendAuth.mode !== "apiKey")
      ctx.addIssue({
        code: "custom",
        path: ["keyVault"],
        message: "is the Key Vault secret of the profile's named value: only for backendAuth mode apiKey",
      });
    const used = profileVariableNames([file.profile, file.keyVault ?? {}]);
    for (const name of used.filter((name) => !file.variables.includes(name)))
      ctx.addIssue({ code: "custom", path: ["variables"], message: `must list "${name}", which the file uses` });
    file.variables.forEach((name, index) => {
      if (!used.includes(name))
        ctx.addIssue({ code: "custom", path: ["variables", index], message: `"${name}" is not used by the file` });
    });
  });

export const environmentFileSchema = z.strictObject({
  kind: z.literal(ENVIRONMENT_FILE_KIND),
  environment: environmentSchema,
  variables: variableValuesSchema,
});

export type ApiProfileFile = z.output<typeof apiProfileFileSchema>;
export type EnvironmentFile = z.output<typeof environmentFileSchema>;
