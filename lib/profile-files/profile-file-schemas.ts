/**
 * The files `portcullis export` writes and `portcullis plan --dir` reads: one per API (its
 * access profile as written, with `${name}` variables) and one per environment (the values of
 * those variables). Names and identifiers only: a profile holds named value names, never values,
 * and a variable's value that looks like a key is refused.
 */
import { z } from "zod";
import { environmentSchema } from "../instances/schemas";
import { writtenProfileSchema } from "../policy/profile-schema";
import {
  VARIABLE_NAME,
  VARIABLE_NAME_RULE,
  profileVariableNames,
  variableValuesSchema,
} from "../policy/profile-variables";

export const API_FILE_KIND = "AccessProfile";
export const ENVIRONMENT_FILE_KIND = "EnvironmentVariables";

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
      .describe("The variables the profile uses, for readers of the file; checked against the profile."),
    profile: writtenProfileSchema,
  })
  .superRefine((file, ctx) => {
    const used = profileVariableNames(file.profile);
    for (const name of used.filter((name) => !file.variables.includes(name)))
      ctx.addIssue({ code: "custom", path: ["variables"], message: `must list "${name}", which the profile uses` });
    file.variables.forEach((name, index) => {
      if (!used.includes(name))
        ctx.addIssue({ code: "custom", path: ["variables", index], message: `"${name}" is not used by the profile` });
    });
  });

export const environmentFileSchema = z.strictObject({
  kind: z.literal(ENVIRONMENT_FILE_KIND),
  environment: environmentSchema,
  variables: variableValuesSchema,
});

export type ApiProfileFile = z.output<typeof apiProfileFileSchema>;
export type EnvironmentFile = z.output<typeof environmentFileSchema>;
