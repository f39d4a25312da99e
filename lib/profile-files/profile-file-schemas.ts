/**
 * The files `portcullis export` writes and `portcullis plan --dir` reads: one per API (its
 * access profile as written, with `${name}` variables, or the profile template it follows, and
 * the Key Vault secret its named value refers to) and one per environment (the values of those variables). Names and identifiers only:
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
import { templateReferenceSchema } from "../profiles/schemas";
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
    template: templateReferenceSchema
      .optional()
      .describe(
        "The template the API follows; its profile is that version (`latest`: the newest), so profile is absent. No template: the API follows none.",
      ),
    profile: writtenProfileSchema.optional(),
    keyVault: namedValueKeyVaultSchema.optional(),
  })
  .superRefine((file, ctx) => {
    // The template's version is the profile: a copy beside it could only disagree with it later.
    if (file.template && file.profile)
      ctx.addIssue({
        code: "custom",
        path: ["profile"],
        message: `must be absent: the API follows template ${file.template.name}, whose version is its profile (remove profile, or remove template to write the profile by hand)`,
      });
    if (!file.template && !file.profile)
      ctx.addIssue({ code: "custom", path: ["profile"], message: "is required (or name a template)" });
    if (file.keyVault && file.profile && file.profile.backendAuth.mode !== "apiKey")
      ctx.addIssue({
        code: "custom",
        path: ["keyVault"],
        message: "is the Key Vault secret of the profile's named value: only for backendAuth mode apiKey",
      });
    // A template's variables are the template version's: Portcullis checks them when planning.
    // A malformed reference is refused at its field, not asked for in the list as well.
    const used = profileVariableNames([file.profile ?? {}, file.keyVault ?? {}]).filter((name) =>
      VARIABLE_NAME.test(name),
    );
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
